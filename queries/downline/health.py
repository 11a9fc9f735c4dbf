"""Downline health and uplines, read from the store (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from refnet.graph.errors import BadInput, NotFound
from refnet.graph.store import GraphStore
from refnet.graph.text import CONTROL, control_character
from refnet.queries.params import MAX_TOP
from refnet.queries.stats import gini, ratio
from refnet.queries.window import Window, format_instant, latest_event, parse_instant

from .params import MAX_DEPTH, DownlineParams, UplineParams
from .results import (
    Activity,
    Branch,
    Concentration,
    DownlineHealth,
    Level,
    RecruitBucket,
    Recruiter,
    Recruits,
    Upline,
    UplineMember,
)

__all__ = ["RECRUIT_BUCKETS", "ask_cypher", "ask_upline_cypher", "health", "team_cypher",
           "upline_cypher"]

# (label, lowest, highest or None for no upper bound): recruits per member.
RECRUIT_BUCKETS: Final[tuple[tuple[str, int, int | None], ...]] = (
    ("0", 0, 0), ("1", 1, 1), ("2-4", 2, 4), ("5-9", 5, 9), ("10-49", 10, 49), ("50+", 50, None),
)
# The counters downline/groups returns per (level, branch), in its column names.
_COUNTERS: Final = (
    "members", "active", "never_bought", "new_recruits", "new_recruits_prev", "churned",
    "orders", "gmv", "commission", "entry_gmv", "gmv_prev", "bought_gmv",
)


def ask_cypher(store: GraphStore, params: DownlineParams,
               latest: Callable[[GraphStore], int | None] = latest_event) -> DownlineHealth:
    """The downline question answered by the two Cypher walks (``ask`` reads the snapshot;
    this one stays as its oracle)."""
    return health(store, params.root_id, params.window(store, latest),
                  max_depth=params.max_depth, top=params.top)


def ask_upline_cypher(store: GraphStore, params: UplineParams) -> Upline:
    """The upline question through Cypher (``ask_upline`` reads the snapshot; this one
    stays as its oracle)."""
    as_of = parse_instant(params.as_of) if params.as_of is not None else None
    return upline_cypher(store, params.member_id, as_of)


def health(store: GraphStore, root_id: str, window: Window, *, max_depth: int | None = None,
           top: int = 10) -> DownlineHealth:
    """The downline health of ``root_id`` over ``window``, ``max_depth`` levels deep.

    ``max_depth`` (1..100, None for the whole tree) cuts the levels shown; ``top``
    (1..1000) limits the branch lists. Raises ``NotFound`` for an unknown root or
    one that joined after ``window.as_of``, ``BadInput`` for bad arguments.
    """
    _check_window(window)
    if max_depth is not None:
        _check_int("max_depth", max_depth, 1, MAX_DEPTH)
    _check_int("top", top, 1, MAX_TOP)
    _member(store, root_id, window.as_of)
    prev = window.previous()
    params = {**window.params(), "root": root_id, "max_depth": max_depth,
              "prev_since": prev.start}
    groups = store.run("downline/groups", params).records()
    recruits = store.run("downline/recruits", params).records()

    by_level: dict[int, dict[str, int]] = {}
    by_branch: dict[str, tuple[int, dict[str, int]]] = {}
    for g in groups:
        level = int(g["level"])
        _add(by_level.setdefault(level, dict.fromkeys(_COUNTERS, 0)), g)
        if level > 0:
            branch = str(g["branch"])
            depth, counts = by_branch.get(branch, (0, dict.fromkeys(_COUNTERS, 0)))
            _add(counts, g)
            by_branch[branch] = (max(depth, level - 1), counts)
    return assemble(root_id, window, max_depth, top, by_level, by_branch, recruits)


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


def upline_cypher(store: GraphStore, member_id: str, as_of: int | None = None) -> Upline:
    """The chain from ``member_id``'s root down to it, root first, as of ``as_of``.

    The Cypher answer (``downline/chain``), kept as the oracle of ``upline`` (which
    reads the snapshot: ``columns.upline_from``).

    A referral made after ``as_of`` is not there yet, so the chain then starts at the
    highest member still connected. Raises ``NotFound`` for an unknown member or one
    that joined after ``as_of``.
    """
    if as_of is not None:
        _check_int("as_of", as_of, 0, None)
    _member(store, member_id, as_of)
    row = store.run("downline/chain", {"id": member_id, "as_of": as_of}).single()
    chain = [
        UplineMember(id=str(i), level=k, joined_at=_int_or_none(j), status=s, tier=t)
        for k, (i, j, s, t) in enumerate(
            zip(row["ids"], row["joined"], row["statuses"], row["tiers"], strict=True))
    ]
    return Upline(member=member_id, as_of=as_of, root=chain[0].id, depth=len(chain) - 1,
                  chain=chain)


def team_cypher(store: GraphStore, root_id: str, as_of: int) -> list[str]:
    """The ids of ``root_id``'s downline as of ``as_of``, the root first, then sorted.

    The Cypher answer (``downline/team``), kept as the oracle of ``team`` (which reads
    the snapshot: ``columns.team_from``).

    The one way a question is scoped to a team (an organizer's influence, conversion
    and compliance): members reached through referrals made by ``as_of`` who had
    joined by then (a referral or join with no time is taken as always there). Raises
    ``NotFound`` for an unknown root or one that joined after ``as_of``.
    """
    _member(store, root_id, as_of)
    ids = sorted(str(r[0]) for r in store.run("downline/team",
                                              {"root": root_id, "as_of": as_of}).rows)
    ids.remove(root_id)
    return [root_id, *ids]


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


def _member(store: GraphStore, member_id: Any, as_of: int | None) -> dict[str, Any]:
    """The member row, or NotFound when it is unknown or joined after ``as_of``."""
    if not isinstance(member_id, str) or not member_id.strip():
        raise BadInput(f"a member id is a non-empty string, got {member_id!r}")
    if control_character(member_id, CONTROL) is not None:  # no loaded id holds one
        raise NotFound(f"no member {member_id!r}: member ids contain no control characters")
    rows = store.run("downline/member", {"id": member_id}).records()
    if not rows:
        raise NotFound(f"no member {member_id!r}; check the id (ids are case-sensitive)")
    row = rows[0]
    joined = row["joined_at"]
    if as_of is not None and joined is not None and int(joined) > as_of:
        raise NotFound(
            f"member {member_id!r} joined at {format_instant(int(joined))}, after the as-of "
            f"instant {format_instant(as_of)}: ask as of a later time"
        )
    return row


def _add(into: dict[str, int], row: Mapping[str, Any]) -> None:
    for key in _COUNTERS:
        into[key] += int(row[key] or 0)


def _activity(c: Mapping[str, int]) -> dict[str, Any]:
    return {**{k: c[k] for k in _COUNTERS}, "inactive": c["members"] - c["active"],
            "active_rate": ratio(c["active"], c["members"])}


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _recruits(rows: Iterable[Mapping[str, Any]], size: int, top: int) -> Recruits:
    """Buckets from downline/recruits' rows (k >= 1); the rest of ``size`` recruited 0."""
    counts: dict[int, int] = {}
    recruiters: list[Recruiter] = []
    for row in rows:
        k = int(row["recruits"])
        counts[k] = counts.get(k, 0) + int(row["members"])
        recruiters.extend(Recruiter(str(i), k) for i in row["ids"])
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
        recruiters=len(recruiters),
        mean=ratio(total, size),
        max_recruits=max((k for k, n in counts.items() if n), default=0),
        top=recruiters[:top],
    )
