"""What every compliance check works on: the forest, the scope, the policy, the window,
and the flags and checks found so far."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from refnet.queries.compliance.policy import Policy
from refnet.queries.compliance.results import Check, Flag, Month
from refnet.queries.window import Window

from .forest import Forest, Scope

__all__ = ["MAX_MONTHS", "SUMS", "Context", "sales_row"]

MAX_MONTHS = 120

SUMS = ("purchases", "gmv", "commission", "entry_purchases", "entry_gmv", "entry_commission",
         "internal_gmv", "outside_gmv", "retail_commission", "self_gmv")


def sales_row(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: int(r[k] or 0) for k in SUMS}
    out["promoter"] = r["promoter"]
    out["status"] = r["status"]
    return out


class Context:
    """The forest, the scope and the policy, with the flags and checks found so far."""

    def __init__(self, forest: Forest, scope: Scope, policy: Policy, window: Window,
                 limit: int) -> None:
        self.f, self.scope, self.policy, self.window, self.limit = (
            forest, scope, policy, window, limit)
        self.flags: list[Flag] = []
        self.checks: list[Check] = []

    def check(self, code: str, checked: bool, flags: Iterable[Flag] = (), note: str = "") -> None:
        found = list(flags)
        self.flags += found
        self.checks.append(Check(code, checked, len(found), note))

    def idx(self, member_id: Any) -> int | None:
        return self.f.index.get(str(member_id)) if member_id is not None else None

    def timeline(self, r: int) -> list[Month]:
        """``r``'s organization at each month's end in the window: size, levels, recruits."""
        f, w = self.f, self.window
        members = f.subtree(r)
        joined = f.joined[members]
        order = np.argsort(joined, kind="stable")
        joined = joined[order]
        levels = np.maximum.accumulate(
            np.array([f.depth[v] - f.depth[r] for v in members])[order]) + 1
        ends = _month_ends(w.start, w.end)[-MAX_MONTHS:]
        out = []
        previous = w.start
        for label, end in ends:
            k = int(np.searchsorted(joined, end, side="right"))
            started = int(np.searchsorted(joined, previous, side="right"))
            out.append(Month(label, k, int(levels[k - 1]) if k else 0, k - started))
            previous = end
        return out

    # -- revenue --------------------------------------------------------------------


def _month_ends(start: int, end: int) -> list[tuple[str, int]]:
    """(YYYY-MM, the month's last instant or ``end``) for each month ``start < t <= end``."""
    moment = datetime.fromtimestamp(start / 1000, UTC)
    year, month = moment.year, moment.month
    out = []
    while True:
        year2, month2 = (year + 1, 1) if month == 12 else (year, month + 1)
        boundary = int(datetime(year2, month2, 1, tzinfo=UTC).timestamp() * 1000) - 1
        if boundary > start:
            out.append((f"{year:04d}-{month:02d}", min(boundary, end)))
        if boundary >= end:
            return out
        year, month = year2, month2
