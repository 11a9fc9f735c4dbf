"""The downline answer assembled from its counters, however they were counted: the
snapshot's columns in the product (``columns``), the Cypher walk in the tests' oracle
(``tests/oracle/downline``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from refnet.graph.errors import BadInput
from refnet.queries.stats import gini, ratio
from refnet.queries.window import Window

from .results import (
    Activity,
    Branch,
    Concentration,
    DownlineHealth,
    Level,
    RecruitBucket,
    Recruiter,
    Recruits,
)

__all__ = ["RECRUIT_BUCKETS", "assemble"]

# (label, lowest, highest or None for no upper bound): recruits per member.
RECRUIT_BUCKETS: Final[tuple[tuple[str, int, int | None], ...]] = (
    ("0", 0, 0), ("1", 1, 1), ("2-4", 2, 4), ("5-9", 5, 9), ("10-49", 10, 49), ("50+", 50, None),
)
# The counters downline/groups returns per (level, branch), in its column names.
_COUNTERS: Final = (
    "members", "active", "never_bought", "new_recruits", "new_recruits_prev", "churned",
    "orders", "gmv", "commission", "entry_gmv", "gmv_prev", "bought_gmv",
)


def assemble(root_id: str, window: Window, max_depth: int | None, top: int,
             by_level: Mapping[int, Mapping[str, int]],
             by_branch: Mapping[str, tuple[int, Mapping[str, int]]],
             recruits: Iterable[Mapping[str, Any]],
             data_version: str | None = None) -> DownlineHealth:
    """The answer from its counters, however they were counted (the Cypher walk or the
    snapshot's columns): per level (0 = the root), per branch with its depth below the
    branch's head, and ``downline/recruits``-shaped rows of recruiters."""
    total = dict.fromkeys(_COUNTERS, 0)
    for level, counts in by_level.items():
        if level > 0:
            _add(total, counts)
    downline_gmv = total["gmv"]
    branches = [
        Branch(id=b, depth=depth, gmv_share=ratio(c["gmv"], downline_gmv), **_activity(c))
        for b, (depth, c) in by_branch.items()
    ]
    branches.sort(key=lambda b: (-b.gmv, -b.members, b.id))
    dead = sorted((b for b in branches if b.gmv == 0), key=lambda b: (-b.members, b.id))
    gmvs = [b.gmv for b in branches]  # already largest first
    concentration = Concentration(
        branches=len(branches),
        top1_share=ratio(sum(gmvs[:1]), downline_gmv),
        top3_share=ratio(sum(gmvs[:3]), downline_gmv),
        gini=gini(gmvs),
    )
    return DownlineHealth(
        root=root_id,
        since=window.start,
        as_of=window.end,
        previous_since=window.previous().start,
        max_depth=max_depth,
        size=total["members"],
        depth=max(by_level, default=0),
        totals=Activity(**_activity(total)),
        levels=[Level(level=k, **_activity(by_level[k])) for k in sorted(by_level)],
        branches=branches[:top],
        dead=dead[:top],
        dead_branches=len(dead),
        dead_branch_members=sum(b.members for b in dead),
        concentration=concentration,
        recruits=_recruits(recruits, total["members"], top),
        data_version=data_version,
    )


# -- helpers ----------------------------------------------------------------------------


def _check_window(window: Any) -> None:
    if not isinstance(window, Window):
        raise BadInput(f"expected a Window (queries.window.resolve builds one), got "
                       f"{type(window).__name__}")


def _check_int(name: str, value: Any, low: int, high: int | None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(f"{name} must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise BadInput(f"{name} must be {bound}, got {value}")


def _add(into: dict[str, int], row: Mapping[str, Any]) -> None:
    for key in _COUNTERS:
        into[key] += int(row[key] or 0)


def _activity(c: Mapping[str, int]) -> dict[str, Any]:
    return {**{k: c[k] for k in _COUNTERS}, "inactive": c["members"] - c["active"],
            "active_rate": ratio(c["active"], c["members"])}


def _recruits(rows: Iterable[Mapping[str, Any]], size: int, top: int) -> Recruits:
    """Buckets from downline/recruits-shaped rows (k >= 1: how many members recruited k,
    and the ids of those who may be in the top, or all of them); the rest of ``size``
    recruited 0."""
    counts: dict[int, int] = {}
    recruiters: list[Recruiter] = []
    for row in rows:
        k = int(row["recruits"])
        counts[k] = counts.get(k, 0) + int(row["members"])
        recruiters.extend(Recruiter(str(i), k) for i in row["ids"])
    named = sum(counts.values())
    counts[0] = size - sum(counts.values())
    recruiters.sort(key=lambda r: (-r.recruits, r.id))
    buckets = [
        RecruitBucket(label, low, high, sum(n for k, n in counts.items()
                                             if k >= low and (high is None or k <= high)))
        for label, low, high in RECRUIT_BUCKETS
    ]
    total = sum(k * n for k, n in counts.items())
    return Recruits(
        buckets=buckets,
        recruiters=named,
        mean=ratio(total, size),
        max_recruits=max((k for k, n in counts.items() if n), default=0),
        top=recruiters[:top],
    )
