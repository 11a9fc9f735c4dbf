"""Downline health from the analytic snapshot: numpy masks over the downline's slice.

The same question and answer as ``health`` (the package docstring has the semantics),
computed from ``queries.snapshot`` columns instead of two Cypher walks:

* the downline of the root at position ``p`` is the slice ``[p, p + size[p])``; a
  member's level is its depth minus the root's;
* as of ``as_of``, a member whose referral was made later is not there, nor anyone
  below it: each such member cuts its own slice ``[q, q + size[q])``, and a running
  sum over a difference array marks every member under a cut in one pass;
* a member's branch is the root's child whose slice holds it (a binary search over
  the children's positions);
* sales are the purchases whose promoter sits in the slice (one slice of the
  promoter-sorted purchases), own purchases those whose buyer does (``by_buyer``);
  per-member counts are ``bincount`` over positions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from refnet.graph.errors import BadInput, NotFound
from refnet.graph.store import GraphStore
from refnet.graph.text import CONTROL, control_character
from refnet.queries import snapshot as snapshots
from refnet.queries.params import MAX_TOP
from refnet.queries.snapshot import NONE, Snapshot
from refnet.queries.window import Window, format_instant, latest_event, parse_instant

from .assemble import _check_int, _check_window, assemble
from .params import MAX_DEPTH, DownlineParams, UplineParams
from .results import (
    DownlineHealth,
    Upline,
    UplineMember,
)

__all__ = [
    "ask",
    "ask_upline",
    "health",
    "health_from",
    "team",
    "team_from",
    "team_slice",
    "upline",
    "upline_from",
]

_COUNTED = ("paid", "settled")


def ask(store: GraphStore, params: DownlineParams,
        latest: Callable[[GraphStore], int | None] = latest_event) -> DownlineHealth:
    """The downline question as every front end asks it, answered from the snapshot
    (``health``); ``tests/oracle/downline`` holds the Cypher walks it replaced."""
    return health(store, params.root_id, params.window(store, latest),
                           max_depth=params.max_depth, top=params.top)


def health(store: GraphStore, root_id: str, window: Window, *,
                    max_depth: int | None = None, top: int = 10) -> DownlineHealth:
    """``health`` answered from the snapshot of the store's current data version."""
    _check_args(root_id, window, max_depth, top)
    snap = snapshots.current(store, store.config.data_dir)
    return health_from(snap, root_id, window, max_depth=max_depth, top=top)


def team(store: GraphStore, root_id: str, as_of: int) -> list[str]:
    """The ids of ``root_id``'s downline as of ``as_of``, the root first, then sorted.

    The one way a question is scoped to a team (an organizer's influence and
    conversion): members reached through referrals made by ``as_of`` who had joined by
    then (a referral or join with no time is taken as always there). Answered from the
    snapshot of the store's current data version (the Cypher oracle:
    ``tests/oracle/downline``). Raises ``NotFound`` for an unknown root or one that
    joined after ``as_of``.
    """
    _check_team_args(root_id, as_of)
    snap = snapshots.current(store, store.config.data_dir)
    return team_from(snap, root_id, as_of)


def team_from(snap: Snapshot, root_id: str, as_of: int) -> list[str]:
    """The ids of ``root_id``'s team as of ``as_of`` from ``snap``: the root first, then
    sorted; the same members as the Cypher ``downline/team`` (``tests/oracle/downline``).

    A member is in it when no referral on the way down from the root was made after
    ``as_of`` (the same cut as ``health_from``) and it had joined by then; a referral
    or join with no time counts as always there.
    """
    lo, present = team_slice(snap, root_id, as_of)
    present[0] = False
    rest = sorted(str(snap.ids[lo + i]) for i in np.flatnonzero(present).tolist())
    return [root_id, *rest]


def ask_upline(store: GraphStore, params: UplineParams) -> Upline:
    """The upline question as every front end asks it, answered from the snapshot;
    ``tests/oracle/downline``'s ``upline_cypher`` is its oracle."""
    as_of = parse_instant(params.as_of) if params.as_of is not None else None
    return upline(store, params.member_id, as_of)


def upline(store: GraphStore, member_id: str, as_of: int | None = None) -> Upline:
    """The chain from ``member_id``'s root down to it, root first, as of ``as_of``.

    A referral made after ``as_of`` is not there yet, so the chain then starts at the
    highest member still connected. Answered from the snapshot of the store's current
    data version (the Cypher oracle: ``tests/oracle/downline``). Raises
    ``NotFound`` for an unknown member or one that joined after ``as_of``.
    """
    _check_upline_args(member_id, as_of)
    snap = snapshots.current(store, store.config.data_dir)
    return upline_from(snap, member_id, as_of)


def upline_from(snap: Snapshot, member_id: str, as_of: int | None = None) -> Upline:
    """``upline`` from ``snap``: up the parent column while the referral was made by
    ``as_of`` (a referral with no time counts as always there)."""
    _check_upline_args(member_id, as_of)
    p = _root_position(snap, member_id, as_of)
    path = [p]
    while True:
        q = path[-1]
        up = int(snap.parent[q])
        if up < 0:
            break
        made = int(snap.ref_at[q])
        if as_of is not None and made != NONE and made > as_of:
            break
        path.append(up)
    path.reverse()
    chain = [
        UplineMember(id=str(snap.ids[q]), level=k,
                     joined_at=None if int(snap.joined_at[q]) == NONE else int(snap.joined_at[q]),
                     status=snap.member_status(q), tier=snap.tier(q))
        for k, q in enumerate(path)
    ]
    return Upline(member=member_id, as_of=as_of, root=chain[0].id, depth=len(chain) - 1,
                  chain=chain)


def _check_upline_args(member_id: Any, as_of: Any) -> None:
    if as_of is not None:
        _check_int("as_of", as_of, 0, None)
    if not isinstance(member_id, str) or not member_id.strip():
        raise BadInput(f"a member id is a non-empty string, got {member_id!r}")
    if control_character(member_id, CONTROL) is not None:
        raise NotFound(f"no member {member_id!r}: member ids contain no control characters")


def team_slice(snap: Snapshot, root_id: str, as_of: int) -> tuple[int, np.ndarray]:
    """``root_id``'s team as of ``as_of``: the root's position ``p`` and a mask over the
    slice ``[p, p + size[p])`` of who is in it (the root, and each member below it
    reached through referrals made by ``as_of`` who had joined by then; a referral or
    join with no time counts as always there). The one way every question scopes to a
    team (``team_from``, conversion's and influence's team masks). Raises ``BadInput``
    for a bad id or instant, ``NotFound`` for an unknown root or one that joined later.
    """
    _check_team_args(root_id, as_of)
    p = _root_position(snap, root_id, as_of)
    lo, hi = p, p + int(snap.size[p])
    inside = _present(snap, lo, hi, as_of)
    inside &= np.asarray(snap.joined_at[lo:hi]) <= as_of  # NONE (no time): always there
    inside[0] = True  # the root joined by as_of, or _root_position refused it
    return p, inside


def _check_team_args(root_id: Any, as_of: Any) -> None:
    _check_int("as_of", as_of, 0, None)
    if not isinstance(root_id, str) or not root_id.strip():
        raise BadInput(f"a member id is a non-empty string, got {root_id!r}")
    if control_character(root_id, CONTROL) is not None:
        raise NotFound(f"no member {root_id!r}: member ids contain no control characters")


def _root_position(snap: Snapshot, root_id: str, as_of: int | None) -> int:
    """The member's position, or NotFound when it is unknown or joined after ``as_of``."""
    p = snap.position(root_id)
    if p is None:
        raise NotFound(f"no member {root_id!r}; check the id (ids are case-sensitive)")
    joined = int(snap.joined_at[p])
    if as_of is not None and joined != NONE and joined > as_of:
        raise NotFound(
            f"member {root_id!r} joined at {format_instant(joined)}, after the as-of "
            f"instant {format_instant(as_of)}: ask as of a later time"
        )
    return p


def _present(snap: Snapshot, lo: int, hi: int, as_of: int) -> np.ndarray:
    """Who of the slice ``[lo, hi)`` is there as of ``as_of``: a referral after it cuts
    its member's whole slice off (the slice's first member, the root, is never cut)."""
    n = hi - lo
    late = np.asarray(snap.ref_at[lo:hi]) > as_of
    late[0] = False  # the root's own referral is above the question
    cut = np.zeros(n + 1, dtype=np.int64)
    starts = np.flatnonzero(late)
    np.add.at(cut, starts, 1)
    np.add.at(cut, starts + np.asarray(snap.size[lo:hi])[starts], -1)
    return np.cumsum(cut[:n]) == 0


def _check_args(root_id: Any, window: Any, max_depth: Any, top: Any) -> None:
    _check_window(window)
    if max_depth is not None:
        _check_int("max_depth", max_depth, 1, MAX_DEPTH)
    _check_int("top", top, 1, MAX_TOP)
    if not isinstance(root_id, str) or not root_id.strip():
        raise BadInput(f"a member id is a non-empty string, got {root_id!r}")
    if control_character(root_id, CONTROL) is not None:
        raise NotFound(f"no member {root_id!r}: member ids contain no control characters")


def health_from(snap: Snapshot, root_id: str, window: Window, *,
                max_depth: int | None = None, top: int = 10) -> DownlineHealth:
    """The downline health of ``root_id`` over ``window`` from ``snap``'s columns."""
    _check_args(root_id, window, max_depth, top)
    since, as_of = window.start, window.end
    p = _root_position(snap, root_id, as_of)
    prev = window.previous()
    prev_since = prev.start
    lo, hi = p, p + int(snap.size[p])
    n = hi - lo
    level_all = np.asarray(snap.depth[lo:hi], dtype=np.int64) - int(snap.depth[p])

    # as of: a referral after as_of cuts its member's whole slice off
    present = _present(snap, lo, hi, as_of)
    shown = present if max_depth is None else present & (level_all <= max_depth)

    ev = slice_events(snap, lo, shown, window)
    s_who, s_now, s_prev, amount = ev.s_who, ev.s_now, ev.s_prev, ev.amount
    commission, entry = ev.commission, ev.entry
    b_who, b_ok, b_now, b_prev = ev.b_who, ev.b_ok, ev.b_now, ev.b_prev

    # groups: level, and branch = the root's child whose slice holds the member; the
    # children split the slice into runs, so a sorted list of offsets splits at them
    children = np.flatnonzero((level_all == 1) & present)
    edges = np.r_[children, n]
    every = bool(shown.all())  # no late referral, no depth cut: the usual question
    depth = int((level_all if every else level_all[shown]).max())  # the root: level 0

    def group(who: np.ndarray, weights: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
        """Sums per level and per branch over events at ascending offsets ``who``."""
        # bincount adds in float64, exact while every partial sum stays below 2**53 fen
        # (90 trillion yuan per level): money comes back as exact integers
        per_level = np.bincount(level_all[who], weights=weights,
                                minlength=depth + 1).astype(np.int64)
        total = np.r_[0, np.cumsum(np.ones(len(who), np.int64) if weights is None
                                   else weights)]
        cut = total[np.searchsorted(who, edges)]
        return per_level, np.diff(cut)

    def marked(*events: np.ndarray) -> np.ndarray:
        """A mask of the members with any of ``events`` (offsets)."""
        mask = np.zeros(n, dtype=bool)
        for who in events:
            mask[who] = True
        return mask

    joined = np.asarray(snap.joined_at[lo:hi])
    has_joined = joined != NONE
    active = marked(s_who[s_now], b_who[b_now])
    active_prev = marked(s_who[s_prev], b_who[b_prev])
    members = group(np.flatnonzero(shown)) if not every else (
        np.bincount(level_all, minlength=depth + 1), np.diff(edges))
    bought = group(np.flatnonzero(marked(b_who[b_ok])))
    sums = {
        "members": members,
        "active": group(np.flatnonzero(active)),
        "never_bought": (members[0] - bought[0], members[1] - bought[1]),
        "new_recruits": group(np.flatnonzero(
            shown & has_joined & (joined > since) & (joined <= as_of))),
        "new_recruits_prev": group(np.flatnonzero(
            shown & has_joined & (joined > prev_since) & (joined <= since))),
        "churned": group(np.flatnonzero(active_prev & ~active)),
        "orders": group(s_who[s_now]),
        "gmv": group(s_who[s_now], amount[s_now]),
        "commission": group(s_who[s_now], commission[s_now]),
        "entry_gmv": group(s_who[s_now & entry], amount[s_now & entry]),
        "gmv_prev": group(s_who[s_prev], amount[s_prev]),
        "bought_gmv": group(b_who[b_now], ev.b_amount[b_now]),
    }
    by_level = {d: {k: int(v[0][d]) for k, v in sums.items()} for d in range(depth + 1)}
    by_branch = {}
    if len(children):
        # a branch's deepest level: the most levels among its shown members
        level = level_all if every else np.where(shown, level_all, 0)
        deepest = np.maximum.reduceat(level, children)
        for j, c in enumerate(children.tolist()):
            by_branch[str(snap.ids[lo + c])] = (int(deepest[j]) - 1,
                                                {k: int(v[1][j]) for k, v in sums.items()})

    # recruits: present children of each shown downline member, counted at the parent;
    # ids only for those who can be in the top (most recruits, then smallest id)
    kids = present & (level_all >= 2)
    if max_depth is not None:
        kids &= level_all <= max_depth + 1
    parents = np.asarray(snap.parent[lo:hi], dtype=np.int64)[kids] - lo
    recruits = np.bincount(parents, minlength=n)
    who = np.flatnonzero(recruits > 0)
    k_of = recruits[who]
    tally = np.bincount(k_of)  # members per number of recruits
    # only members with at least the top-th most recruits can be named
    at_least = np.cumsum(tally[::-1])[::-1]  # members with k or more recruits
    floor = int(np.flatnonzero(at_least >= top)[-1]) if len(who) > top else 0
    who, k_of = who[k_of >= floor], k_of[k_of >= floor]
    first = who[np.lexsort((snapshots.id_rank(snap)[lo + who], -k_of))[:top]]
    named: dict[int, list[str]] = {}
    for i in first.tolist():
        named.setdefault(int(recruits[i]), []).append(str(snap.ids[lo + i]))
    ks = np.flatnonzero(tally)[::-1]
    rows = [{"recruits": int(k), "members": int(tally[k]), "ids": named.get(int(k), [])}
            for k in ks.tolist()]

    return assemble(root_id, window, max_depth, top, by_level, by_branch, rows,
                    data_version=snap.version)


@dataclass(frozen=True)
class SliceEvents:
    """The paid and settled purchases of a slice's shown members up to ``as_of``, as
    events at member offsets, both lists ascending (the snapshot sorts purchases by
    promoter, and ``by_buyer`` by buyer). Sales (``s_*``, a product attached) reach back
    to the previous window's start; purchases made (``b_*``) to the first."""

    s_who: np.ndarray  # promoter offset per sale
    s_at: np.ndarray
    s_ok: np.ndarray  # counted, in the previous window or this one
    s_now: np.ndarray  # ... in this one
    s_prev: np.ndarray  # ... in the previous one
    amount: np.ndarray
    commission: np.ndarray
    entry: np.ndarray  # an entry package
    b_who: np.ndarray  # buyer offset per purchase made
    b_at: np.ndarray
    b_ok: np.ndarray  # counted, by as_of
    b_now: np.ndarray
    b_prev: np.ndarray
    b_amount: np.ndarray


def slice_events(snap: Snapshot, lo: int, shown: np.ndarray, window: Window) -> SliceEvents:
    """The purchases sold and made by the members ``shown`` of the slice at ``lo``."""
    since, as_of, prev_since = window.start, window.end, window.previous().start
    hi = lo + len(shown)
    counted = snap.status_codes(*_COUNTED)
    sold_lo, sold_hi = _bounds(snap.p_promoter, lo, hi)
    s_at = np.asarray(snap.p_at[sold_lo:sold_hi])
    s_who = np.asarray(snap.p_promoter[sold_lo:sold_hi], dtype=np.int64) - lo
    s_ok = (np.isin(snap.p_status[sold_lo:sold_hi], counted) & (s_at != NONE)
            & (s_at > prev_since) & (s_at <= as_of) & (snap.p_entry[sold_lo:sold_hi] >= 0)
            & shown[s_who])
    buyers = snapshots.buyers_sorted(snap)
    b_lo, b_hi = _bounds(buyers, lo, hi)
    b_idx = np.asarray(snap.by_buyer[b_lo:b_hi])
    b_at = np.asarray(snap.p_at)[b_idx]
    b_who = buyers[b_lo:b_hi].astype(np.int64) - lo
    b_ok = (np.isin(np.asarray(snap.p_status)[b_idx], counted) & (b_at != NONE)
            & (b_at <= as_of) & shown[b_who])
    return SliceEvents(
        s_who=s_who, s_at=s_at, s_ok=s_ok, s_now=s_ok & (s_at > since),
        s_prev=s_ok & (s_at <= since),
        amount=np.asarray(snap.p_amount[sold_lo:sold_hi], dtype=np.int64),
        commission=np.asarray(snap.p_commission[sold_lo:sold_hi], dtype=np.int64),
        entry=np.asarray(snap.p_entry[sold_lo:sold_hi]) == 1,
        b_who=b_who, b_at=b_at, b_ok=b_ok, b_now=b_ok & (b_at > since),
        b_prev=b_ok & (b_at > prev_since) & (b_at <= since),
        b_amount=np.asarray(snap.p_amount, dtype=np.int64)[b_idx])


def _bounds(ascending: np.ndarray, lo: int, hi: int) -> tuple[int, int]:
    """Where ``[lo, hi)`` starts and ends in ``ascending``; the bounds take its dtype so
    that numpy does not convert the whole column to compare (milliseconds at 1M)."""
    at = np.searchsorted(ascending, np.array([lo, hi], dtype=ascending.dtype))
    return int(at[0]), int(at[1])


