"""What every compliance check works on: the forest, the scope, the policy, the window,
the purchases, and the flags and checks found so far."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np

from refnet.queries.window import Window

from .forest import Forest, Scope
from .policy import Policy
from .results import Check, Flag, Month

__all__ = ["COUNTED", "MAX_MONTHS", "SUMS", "Context", "Sales", "runs"]

MAX_MONTHS = 120

SUMS = ("purchases", "gmv", "commission", "entry_purchases", "entry_gmv", "entry_commission",
         "internal_gmv", "outside_gmv", "retail_commission", "self_gmv")
COUNTED = ("paid", "settled")


def runs(keys: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of equal values in ``keys``."""
    if not len(keys):
        return []
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return list(zip(starts.tolist(), [*starts[1:].tolist(), len(keys)], strict=True))


class Sales:
    """Paid and settled purchases of a product in the window, summed per promoter.

    ``promoter`` holds the promoter positions in ``forest`` (-1: purchases attributed to
    nobody), ascending; ``sums[k]`` the sum ``k`` of ``SUMS`` for each. The snapshot keeps
    purchases sorted by promoter, so a slice's are one range (``Forest.promoted``) and
    each sum is one ``np.add.reduceat``.
    """

    def __init__(self, forest: Forest, window: Window) -> None:
        snap, span = forest.snap, forest.promoted()
        at = np.asarray(snap.p_at[span])
        keep = (np.isin(snap.p_status[span], snap.status_codes(*COUNTED)) & (at > window.start)
                & (at <= window.end) & (np.asarray(snap.p_entry[span]) >= 0))
        rows = np.flatnonzero(keep)
        promoter = np.asarray(snap.p_promoter[span], dtype=np.int64)[rows]
        buyer = np.asarray(snap.p_buyer[span], dtype=np.int64)[rows]
        amount = np.asarray(snap.p_amount[span], dtype=np.int64)[rows]
        commission = np.asarray(snap.p_commission[span], dtype=np.int64)[rows]
        entry = np.asarray(snap.p_entry[span])[rows] == 1
        outside = buyer < 0
        values = {
            "purchases": np.ones(len(rows), dtype=np.int64),
            "gmv": amount,
            "commission": commission,
            "entry_purchases": entry.astype(np.int64),
            "entry_gmv": amount * entry,
            "entry_commission": commission * entry,
            "internal_gmv": amount * ~outside,
            "outside_gmv": amount * outside,
            "retail_commission": commission * (outside & ~entry),
            "self_gmv": amount * ((buyer == promoter) & ~outside),
        }
        starts = np.flatnonzero(np.r_[True, promoter[1:] != promoter[:-1]]) if len(rows) \
            else np.zeros(0, dtype=np.int64)
        self.promoter = forest.local(promoter[starts])
        self.sums = {k: np.add.reduceat(v, starts) if len(rows) else v[:0]
                     for k, v in values.items()}

    def select(self, mask: np.ndarray) -> dict[str, int]:
        """Each sum over the promoters where ``mask`` is true."""
        return {k: int(v[mask].sum()) for k, v in self.sums.items()}


class Context:
    """The forest, the scope and the policy, with the flags and checks found so far."""

    def __init__(self, forest: Forest, scope: Scope, policy: Policy, window: Window,
                 limit: int) -> None:
        self.f, self.scope, self.policy, self.window, self.limit = (
            forest, scope, policy, window, limit)
        self.flags: list[Flag] = []
        self.checks: list[Check] = []
        self._timelines: dict[int, list[Month]] = {}

    def check(self, code: str, checked: bool, flags: Iterable[Flag] = (), note: str = "") -> None:
        found = list(flags)
        self.flags += found
        self.checks.append(Check(code, checked, len(found), note))

    def chains(self, members: np.ndarray | list[int]) -> list[list[str]]:
        """The evidence chain of each of the first ``limit`` members."""
        return [self.f.chain(int(v)) for v in members[:self.limit]]

    def names(self, members: np.ndarray | list[int]) -> list[str]:
        """The ids of the first ``limit`` members."""
        return [self.f.id(int(v)) for v in members[:self.limit]]

    def timeline(self, r: int) -> list[Month]:
        """``r``'s organization at each month's end in the window: size, levels, recruits
        (kept: the threshold and the velocity flags of one organization show the same)."""
        if r not in self._timelines:
            self._timelines[r] = self._timeline(r)
        return list(self._timelines[r])

    def _timeline(self, r: int) -> list[Month]:
        f, w = self.f, self.window
        members = f.subtree(r)
        joined = f.joined[members]
        order = np.argsort(joined, kind="stable")
        joined = joined[order]
        levels = np.maximum.accumulate((f.depth[members] - f.depth[r])[order]) + 1
        ends = _month_ends(w.start, w.end)[-MAX_MONTHS:]
        out = []
        previous = w.start
        for label, end in ends:
            k = int(np.searchsorted(joined, end, side="right"))
            started = int(np.searchsorted(joined, previous, side="right"))
            out.append(Month(label, k, int(levels[k - 1]) if k else 0, k - started))
            previous = end
        return out


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
