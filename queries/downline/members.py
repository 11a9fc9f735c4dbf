"""Who is in a team, one row per member: the list a team leader filters ("who went
quiet this month?"), pages through and exports.

Answered from the snapshot like ``health`` (the same slice, the same "as of" cut and
the same purchase events, ``columns.slice_events``), so a list's counts add up to the
dashboard's: the members a filter keeps are exactly the ones the dashboard counts
under that name. The root (the team's leader) is not a row, as it is not in the
team's size.

A member's state in the window (``since < t <= as_of``), as the dashboard counts it:

* ``active``: sold or bought (paid or settled) in the window; ``inactive``: not;
* ``never_bought``: no purchase of their own by ``as_of``;
* ``new``: joined in the window;
* ``churned``: active in the previous window of the same length, not in this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np

from refnet.graph.errors import BadInput
from refnet.queries.snapshot import NONE, Snapshot, buyers_sorted, id_rank
from refnet.queries.window import Window

from .columns import (
    _bounds,
    _check_team_args,
    _present,
    _root_position,
    slice_events,
)

__all__ = ["MAX_PAGE", "SORTS", "STATES", "MemberFilter", "MemberList", "MemberMoney",
           "MemberRow", "member_list", "member_money"]

STATES: Final = ("all", "active", "inactive", "never_bought", "new", "churned")
SORTS: Final = ("gmv", "orders", "bought_gmv", "recruits", "joined_at", "level", "id",
                "last_bought")
MAX_PAGE: Final = 500  # rows a page shows at most; an export takes the whole list

State = Literal["all", "active", "inactive", "never_bought", "new", "churned"]


@dataclass(frozen=True, kw_only=True)
class MemberFilter:
    """Which members of the team, in what order, which page. Levels count from the
    root's direct recruits (1); ``joined_from``/``joined_to`` are epoch ms, inclusive;
    ``branch`` is the id of a direct recruit of the root (its whole subtree)."""

    state: State = "all"
    level_min: int | None = None
    level_max: int | None = None
    branch: str | None = None
    joined_from: int | None = None
    joined_to: int | None = None
    sort: str = "gmv"
    descending: bool = True
    offset: int = 0
    limit: int | None = 50  # None: every row (an export)

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise BadInput(f"unknown state {self.state!r}; states are {', '.join(STATES)}")
        if self.sort not in SORTS:
            raise BadInput(f"unknown sort {self.sort!r}; sorts are {', '.join(SORTS)}")
        for name in ("level_min", "level_max"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 1):
                raise BadInput(f"{name} must be a whole number of at least 1, got {value!r}")
        if self.level_min and self.level_max and self.level_min > self.level_max:
            raise BadInput(f"level_min ({self.level_min}) is above level_max ({self.level_max})")
        if self.joined_from is not None and self.joined_to is not None \
                and self.joined_from > self.joined_to:
            raise BadInput("joined_from is after joined_to")
        if isinstance(self.offset, bool) or not isinstance(self.offset, int) or self.offset < 0:
            raise BadInput(f"offset must be a whole number of at least 0, got {self.offset!r}")
        if self.limit is not None and (isinstance(self.limit, bool)
                                       or not isinstance(self.limit, int)
                                       or not 1 <= self.limit <= MAX_PAGE):
            raise BadInput(f"limit must be between 1 and {MAX_PAGE}, got {self.limit!r}")


@dataclass(frozen=True)
class MemberRow:
    """One member of the team. Money in fen; times epoch ms (None: not stored)."""

    id: str
    level: int
    branch: str  # the root's direct recruit whose subtree holds the member
    referrer: str
    joined_at: int | None
    status: str | None
    tier: str | None
    recruits: int  # direct recruits as of as_of
    orders: int  # sold in the window
    gmv: int
    commission: int
    gmv_prev: int  # sold in the previous window
    bought_gmv: int  # bought in the window
    last_bought: int | None  # their latest paid or settled purchase by as_of
    active: bool
    never_bought: bool
    new: bool
    churned: bool


@dataclass(frozen=True)
class MemberList:
    """A page of the members a ``MemberFilter`` keeps, out of ``matched`` (the team:
    ``size``)."""

    root: str
    since: int
    as_of: int
    size: int
    matched: int
    rows: list[MemberRow]
    data_version: str


def member_list(snap: Snapshot, root_id: str, window: Window,
                which: MemberFilter = MemberFilter()) -> MemberList:
    """The members of ``root_id``'s team over ``window`` that ``which`` keeps."""
    _check_team_args(root_id, window.end)
    since, as_of = window.start, window.end
    p = _root_position(snap, root_id, as_of)
    lo, hi = p, p + int(snap.size[p])
    n = hi - lo
    level = np.asarray(snap.depth[lo:hi], dtype=np.int64) - int(snap.depth[p])
    team = _present(snap, lo, hi, as_of)  # the members the dashboard counts
    team[0] = False  # the root leads the team; it is not a row
    joined = np.asarray(snap.joined_at[lo:hi])

    ev = slice_events(snap, lo, team, window)

    def per(who: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        out = np.zeros(n, dtype=np.int64)
        np.add.at(out, who, 1 if weights is None else weights)  # exact integer sums
        return out

    orders = per(ev.s_who[ev.s_now])
    gmv = per(ev.s_who[ev.s_now], ev.amount[ev.s_now])
    bought_now = per(ev.b_who[ev.b_now])
    active = (orders > 0) | (bought_now > 0)
    active_prev = (per(ev.s_who[ev.s_prev]) > 0) | (per(ev.b_who[ev.b_prev]) > 0)
    last_bought = np.full(n, NONE, dtype=np.int64)
    np.maximum.at(last_bought, ev.b_who[ev.b_ok], ev.b_at[ev.b_ok])
    has_joined = joined != NONE
    states = {
        "all": team,
        "active": active,
        "inactive": ~active,
        "never_bought": last_bought == NONE,
        "new": has_joined & (joined > since) & (joined <= as_of),
        "churned": active_prev & ~active,
    }
    keep = team & states[which.state]
    if which.level_min is not None:
        keep &= level >= which.level_min
    if which.level_max is not None:
        keep &= level <= which.level_max
    if which.joined_from is not None:
        keep &= has_joined & (joined >= which.joined_from)
    if which.joined_to is not None:
        keep &= has_joined & (joined <= which.joined_to)
    children = np.flatnonzero((level == 1) & team)
    if which.branch is not None:
        c = snap.position(which.branch)
        if c is None or not lo < c < hi or level[c - lo] != 1 or not team[c - lo]:
            raise BadInput(f"{which.branch!r} is not a direct recruit of {root_id!r} as of then")
        keep[: c - lo] = False
        keep[c - lo + int(snap.size[c]):] = False

    recruits = np.bincount(np.asarray(snap.parent[lo:hi], dtype=np.int64)[team & (level >= 2)]
                           - lo, minlength=n)
    rows = np.flatnonzero(keep)
    key = {"gmv": gmv, "orders": orders, "bought_gmv": per(ev.b_who[ev.b_now],
                                                           ev.b_amount[ev.b_now]),
           "recruits": recruits, "joined_at": joined, "level": level,
           "last_bought": last_bought}
    rank = np.asarray(id_rank(snap))[lo:hi]
    if which.sort == "id":
        values = rank[rows]
        if which.descending:
            values = -values
    else:  # ties by id, ascending, whichever way the key goes
        values = key[which.sort][rows]
        if which.descending:
            # negated; where NONE (int64's min, which has no negative) may be, dense
            # ranks negated instead
            values = -np.unique(values, return_inverse=True)[1].reshape(-1) \
                if which.sort in ("joined_at", "last_bought") else -values
    matched = len(rows)  # before a page's cut below keeps only the rows up to its end
    end = None if which.limit is None else which.offset + which.limit
    if end is not None and end < len(rows):
        # a page needs only the rows up to its end: those with a key at most the
        # end-th smallest (ties included), then one exact sort of those few
        cut = np.partition(values, end - 1)[end - 1]
        few = np.flatnonzero(values <= cut)
        rows, values = rows[few], values[few]
    rows = rows[np.lexsort((rank[rows], values))]
    page = rows[which.offset:end]

    branch_of = children[np.searchsorted(children, page, side="right") - 1] \
        if len(children) else page
    commission = per(ev.s_who[ev.s_now], ev.commission[ev.s_now])
    gmv_prev = per(ev.s_who[ev.s_prev], ev.amount[ev.s_prev])
    bought = key["bought_gmv"]
    out = []
    for i, b in zip(page.tolist(), branch_of.tolist(), strict=True):
        q = lo + i
        at = int(joined[i])
        last = int(last_bought[i])
        out.append(MemberRow(
            id=str(snap.ids[q]), level=int(level[i]), branch=str(snap.ids[lo + b]),
            referrer=str(snap.ids[int(snap.parent[q])]),
            joined_at=None if at == NONE else at, status=snap.member_status(q),
            tier=snap.tier(q), recruits=int(recruits[i]), orders=int(orders[i]),
            gmv=int(gmv[i]), commission=int(commission[i]), gmv_prev=int(gmv_prev[i]),
            bought_gmv=int(bought[i]), last_bought=None if last == NONE else last,
            active=bool(active[i]), never_bought=last == NONE,
            new=bool(states["new"][i]), churned=bool(states["churned"][i])))
    return MemberList(root=root_id, since=since, as_of=as_of, size=int(team.sum()),
                      matched=matched, rows=out, data_version=snap.version)


@dataclass(frozen=True)
class MemberMoney:
    """A member's money up to ``as_of``, in fen: commission on its sales settled and still
    pending (paid, not yet settled), what it sold and bought, and when it last did."""

    commission_settled: int
    commission_pending: int
    sold: int  # paid and settled sales
    bought: int  # paid and settled purchases of its own
    last_active: int | None  # its latest paid or settled purchase or sale


def member_money(snap: Snapshot, member_id: str, as_of: int) -> MemberMoney:
    """``member_id``'s commission, sales and purchases up to ``as_of``, from the snapshot
    (the member card's totals)."""
    _check_team_args(member_id, as_of)
    q = _root_position(snap, member_id, as_of)
    settled, paid = snap.status_codes("settled"), snap.status_codes("paid")
    lo, hi = _bounds(snap.p_promoter, q, q + 1)  # its sales: purchases sort by promoter
    at = np.asarray(snap.p_at[lo:hi])
    status = np.asarray(snap.p_status[lo:hi])
    by = (at != NONE) & (at <= as_of)
    commission = np.asarray(snap.p_commission[lo:hi], dtype=np.int64)
    sold = by & np.isin(status, np.r_[settled, paid])
    b_lo, b_hi = _bounds(buyers_sorted(snap), q, q + 1)  # its own purchases
    mine = np.asarray(snap.by_buyer[b_lo:b_hi])
    b_at = np.asarray(snap.p_at)[mine]
    bought = (b_at != NONE) & (b_at <= as_of) & np.isin(np.asarray(snap.p_status)[mine],
                                                         np.r_[settled, paid])
    times = np.r_[at[sold], b_at[bought]]
    return MemberMoney(
        commission_settled=int(commission[by & np.isin(status, settled)].sum()),
        commission_pending=int(commission[by & np.isin(status, paid)].sum()),
        sold=int(np.asarray(snap.p_amount[lo:hi], dtype=np.int64)[sold].sum()),
        bought=int(np.asarray(snap.p_amount, dtype=np.int64)[mine][bought].sum()),
        last_active=int(times.max()) if len(times) else None)
