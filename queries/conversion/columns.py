"""The conversion funnel counted from the analytic snapshot's columns.

The same counts as the package docstring defines, from the snapshot
(``queries.snapshot``): a grouping is an integer code per event, and a count per group
is a ``bincount`` over the codes.

* What does not depend on the window is worked out once per snapshot and process
  (``_facts``): the shares, clicks and paid or settled purchases through a share in
  time order, each with its promoter (``s_promoter`` of its share), channel, trust
  bucket, and for a purchase its buyer's first click on that share by then. A window
  is then one slice of each table; a scope (a team, one promoter) a mask on the
  promoter.
* **converted**: the buyer clicked that share at or before buying: the earliest click
  of every (share, viewer) pair (one sort of the clicks), found by binary search.
* **trust**: the viewer's (buyer's) TRUSTS edge to the promoter, found by binary search
  of ``dst * members + src`` (destination-major: the clicks come grouped by promoter);
  it counts when its ``since`` is before the click (the first click on the share for a
  purchase, the purchase itself when there was none).
* **distinct** members of a group (clickers, buyers): a bitmap over (promoter, viewer)
  pairs for the promoter split, a bitmap over groups x members when that is at most
  128M, else a sort of ``code * members + member``.
* **level**: the promoter's depth as of ``as_of``: up the parent column while the
  referral was made by then. Every member's top is found at once by pointer jumping
  (``up = up[up]``, a logarithmic number of passes); a team counts from its own root.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from refnet.queries import snapshot as snapshots
from refnet.queries.snapshot import NONE, Snapshot
from refnet.queries.window import Window

__all__ = ["BUCKET_CODES", "Counts", "Events", "FirstWaits", "Scope", "count", "events",
           "first_waits", "levels", "member_level", "other_purchases", "recruits"]

COUNTED: Final = ("paid", "settled")
# trust bucket codes, in the order of funnel.TRUST_BUCKETS
BUCKET_CODES: Final = ("none", "q1", "q2", "q3", "q4", "self", "outside")
_NONE_B, _SELF_B, _OUTSIDE_B = 0, 5, 6
_BITMAP_MAX: Final = 1 << 27  # groups x members up to which distinct counts use a bitmap


@dataclass(frozen=True, eq=False)
class Scope:
    """Whose shares a report counts: ``members`` a mask over positions (None: everyone's);
    ``base`` the level its levels start at; ``root`` the team root's position, if any."""

    members: np.ndarray | None = None
    base: int = 0
    root: int | None = None


@dataclass(frozen=True, eq=False)
class Counts:
    """The funnel's counters per group code (arrays of one length), and which codes have
    any share, click or purchase in the window (the groups a split shows)."""

    shares: np.ndarray
    clicks: np.ndarray
    clickers: np.ndarray
    purchases: np.ndarray
    buyers: np.ndarray
    outside_orders: np.ndarray
    converted: np.ndarray
    converting_clickers: np.ndarray
    gmv: np.ndarray
    commission: np.ndarray

    def present(self) -> np.ndarray:
        return np.flatnonzero((self.shares > 0) | (self.clicks > 0) | (self.purchases > 0))

    def row(self, code: int) -> dict[str, int]:
        return {name: int(getattr(self, name)[code]) for name in _FIELDS}


_FIELDS: Final = ("shares", "clicks", "clickers", "purchases", "buyers", "outside_orders",
                  "converted", "converting_clickers", "gmv", "commission")


@dataclass(frozen=True, eq=False)
class Events:
    """The window's shares, clicks and paid or settled purchases (through a share) of a
    scope's promoters, as columns (slices of the time-ordered ones in ``_facts``):
    shares ``promoter, channel``; clicks ``promoter, viewer, channel, bucket, pair``;
    purchases ``promoter, buyer, channel, bucket, first, amount, commission``."""

    snap: Snapshot
    as_of: int
    scope: Scope
    shares: dict[str, np.ndarray]
    clicks: dict[str, np.ndarray]
    purchases: dict[str, np.ndarray]


def events(snap: Snapshot, window: Window, scope: Scope) -> Events:
    """The scope's shares, clicks and paid or settled purchases in the window (a share
    with no promoter counts for no one): one slice of each time-ordered table, and a
    mask on the promoter for a scope."""
    facts = _facts(snap)
    tables = [t.within(window.start, window.end)
              for t in (facts.shares, facts.clicks, facts.purchases)]
    if scope.members is not None:
        tables = [{k: v[keep] for k, v in t.items()}
                  for t in tables for keep in [scope.members[t["promoter"]]]]
    return Events(snap, window.end, scope, *tables)


def count(ev: Events, group: str) -> tuple[Counts, int]:
    """The funnel counters per group code for ``group`` ('all', 'promoter', 'channel',
    'level', 'trust'), and the number of codes.

    Codes: 'all' 0; 'promoter' the position; 'channel' the channel index + 1 (0: none);
    'level' the level counted from the scope's base; 'trust' the index in
    ``BUCKET_CODES``.
    """
    snap = ev.snap
    n = snap.members
    sh, cl, pu = ev.shares, ev.clicks, ev.purchases
    viewer, buyer = cl["viewer"], pu["buyer"]
    converted = pu["first"] != NONE
    if group == "all":
        k = 1
        s_code = np.zeros(len(sh["promoter"]), np.intp)
        c_code = np.zeros(len(viewer), np.intp)
        p_code = np.zeros(len(buyer), np.intp)
    elif group in ("promoter", "channel"):
        k = n if group == "promoter" else len(snap.channels) + 1
        s_code, c_code, p_code = sh[group], cl[group], pu[group]
    elif group == "level":
        lvl = _levels_for(snap, ev.as_of, ev.scope)
        s_code, c_code, p_code = (lvl[t["promoter"]] for t in (sh, cl, pu))
        k = 1 + max((int(a.max()) for a in (s_code, c_code, p_code) if len(a)), default=0)
    elif group == "trust":
        k = len(BUCKET_CODES)
        s_code = np.zeros(0, np.intp)  # a share has no trust bucket
        c_code, p_code = cl["bucket"], pu["bucket"]
    else:
        raise ValueError(f"unknown group {group!r}")

    outside = buyer < 0
    if group == "promoter":  # distinct (promoter, viewer) pairs: a bitmap over them
        pair_promoter = _facts(snap).pair_promoter
        seen = np.zeros(len(pair_promoter), dtype=bool)
        seen[cl["pair"]] = True
        clickers = np.bincount(pair_promoter[seen], minlength=k)
    else:
        clickers = _distinct(c_code, viewer, k, n)
    counts = Counts(
        shares=np.bincount(s_code, minlength=k),
        clicks=np.bincount(c_code, minlength=k),
        clickers=clickers,
        purchases=np.bincount(p_code, minlength=k),
        buyers=_distinct(p_code[~outside], buyer[~outside], k, n),
        outside_orders=np.bincount(p_code[outside], minlength=k),
        converted=np.bincount(p_code[converted], minlength=k),
        converting_clickers=_distinct(p_code[converted], buyer[converted], k, n),
        gmv=_sum(p_code, pu["amount"], k),
        commission=_sum(p_code, pu["commission"], k),
    )
    return counts, k


def other_purchases(snap: Snapshot, window: Window, scope: Scope) -> tuple[int, int, int]:
    """Paid or settled purchases in the window through no share: count, GMV, commission;
    with a scope, only those attributed to one of its members."""
    p_at = np.asarray(snap.p_at)
    ok = ((np.asarray(snap.p_share) < 0) & (p_at > window.start) & (p_at <= window.end)
          & np.isin(snap.p_status, snap.status_codes(*COUNTED)))
    if scope.members is not None:
        promoter = np.asarray(snap.p_promoter)
        ok &= (promoter >= 0) & scope.members[np.maximum(promoter, 0)]
    return (int(ok.sum()), int(np.asarray(snap.p_amount)[ok].sum()),
            int(np.asarray(snap.p_commission)[ok].sum()))


@dataclass(frozen=True)
class FirstWaits:
    """Time to first purchase over some members: how many, how many bought before
    joining, and the waits (ms, sorted) of those who bought after."""

    members: int
    before_joining: int
    waits: np.ndarray

    def quartile(self, q: float) -> float | None:
        """The ``q`` percentile of the waits as Cypher's ``percentileCont`` computes it
        (linear between the two nearest ranks, the same weights as numpy's 'linear')."""
        w = self.waits
        if not len(w):
            return None
        at = q * (len(w) - 1)
        lo = int(at)
        if at == lo:
            return float(w[lo])
        frac = at - lo
        return float(w[lo]) * (1 - frac) + float(w[lo + 1]) * frac


def first_waits(snap: Snapshot, as_of: int, members: np.ndarray) -> FirstWaits:
    """Joining to first paid or settled purchase (at or before ``as_of``) over the
    members of the mask who joined by ``as_of`` (a known join time) and are no stubs."""
    joined = np.asarray(snap.joined_at)
    who = members & (joined != NONE) & (joined <= as_of)
    stub = [i for i, s in enumerate(snap.member_statuses) if s == "stub"]
    if stub:
        who &= ~np.isin(snap.m_status, stub)
    pos = np.flatnonzero(who)
    # the first purchase by as_of is the first one ever when that is by as_of
    f, j = _facts(snap).first_purchase[pos], joined[pos]
    bought = f <= as_of
    before = bought & (f < j)
    waits = np.sort(f[bought & ~before] - j[bought & ~before])
    return FirstWaits(members=len(pos), before_joining=int(before.sum()), waits=waits)


def recruits(snap: Snapshot, promoter: int, as_of: int) -> np.ndarray:
    """Mask of the members ``promoter`` referred by ``as_of``: its children in the forest
    and the members whose other (later, or cycle-closing) referral is by it."""
    mask = np.zeros(snap.members, dtype=bool)
    lo, hi = promoter + 1, promoter + int(snap.size[promoter])
    ref_at = np.asarray(snap.ref_at[lo:hi])
    mask[lo:hi] = ((np.asarray(snap.parent[lo:hi]) == promoter)
                   & ((ref_at == NONE) | (ref_at <= as_of)))
    x_parent = np.asarray(snap.x_parent)
    x_at = np.asarray(snap.x_at)
    extra = (x_parent == promoter) & ((x_at == NONE) | (x_at <= as_of))
    mask[np.asarray(snap.x_child)[extra]] = True
    return mask


def levels(snap: Snapshot, as_of: int) -> np.ndarray:
    """Every member's level as of ``as_of``: how many referrals up its chain were made
    by then before the first one made later (root = 0)."""
    n = snap.members
    parent = np.asarray(snap.parent, dtype=np.int64)
    late = np.asarray(snap.ref_at) > as_of
    up = np.where((parent < 0) | late, np.arange(n), parent)
    while True:  # pointer jumping: each pass doubles the distance every pointer skips
        nxt = up[up]
        if np.array_equal(nxt, up):
            break
        up = nxt
    depth = np.asarray(snap.depth, dtype=np.int64)
    return depth - depth[up]


def member_level(snap: Snapshot, pos: int, as_of: int) -> int:
    """One member's level as of ``as_of`` (``levels`` for one: up the parent column)."""
    level, q = 0, pos
    while int(snap.parent[q]) >= 0 and int(snap.ref_at[q]) <= as_of:
        q = int(snap.parent[q])
        level += 1
    return level


# --- internals ----------------------------------------------------------------------------


def _levels_for(snap: Snapshot, as_of: int, scope: Scope) -> np.ndarray:
    """Levels from the scope's base, for every position the scope holds: a team's
    members are below its root, so their level is their depth below it."""
    depth = np.asarray(snap.depth, dtype=np.int64)
    if scope.root is not None:
        return depth - int(depth[scope.root])
    return levels(snap, as_of) - scope.base


def _buckets(snap: Snapshot, trust: tuple[np.ndarray, ...], src: np.ndarray, dst: np.ndarray,
             before: np.ndarray) -> np.ndarray:
    """The trust bucket code of each ``src -> dst`` TRUSTS edge as it stood before
    ``before`` (none when there is no edge, a later one or weight <= 0; a weight the
    edge lacks compares as nothing, so it lands in the top bucket as in the Cypher)."""
    n = snap.members
    code = np.zeros(len(src), dtype=np.int64)
    keys, weight, since = trust
    if not len(keys) or not len(src):
        return code
    # destination-major keys: the events come grouped by promoter (= dst), so each
    # binary search lands beside the last one (cache-warm), not anywhere in the index
    key = dst * n + src
    i = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
    found = (keys[i] == key) & (src >= 0) & (since[i] < before)
    w = weight[i[found]]
    with np.errstate(invalid="ignore"):
        code[found] = np.select([w <= 0, w <= 0.25, w <= 0.5, w <= 0.75], [0, 1, 2, 3], 4)
    return code


def _trust(snap: Snapshot) -> tuple[np.ndarray, ...]:
    """The trust edges by ``dst * members + src`` (sorted) with their weight and since."""
    key = (np.asarray(snap.t_dst, dtype=np.int64) * snap.members
           + np.asarray(snap.t_src, dtype=np.int64))
    order = np.argsort(key)  # one edge per pair: keys are distinct
    return key[order], np.asarray(snap.t_weight)[order], np.asarray(snap.t_since)[order]


@dataclass(frozen=True, eq=False)
class _ByTime:
    """A table of events sorted by time: a window is one slice of every column."""

    at: np.ndarray
    columns: dict[str, np.ndarray]

    @classmethod
    def of(cls, at: np.ndarray, keep: np.ndarray, **columns: np.ndarray) -> _ByTime:
        idx = np.flatnonzero(keep)
        idx = idx[np.argsort(at[idx])]  # the order among equal times counts for nothing
        return cls(at[idx], {k: v[idx] for k, v in columns.items()})

    def within(self, since: int, as_of: int) -> dict[str, np.ndarray]:
        lo, hi = np.searchsorted(self.at, [since, as_of], side="right")
        return {k: v[lo:hi] for k, v in self.columns.items()}


@dataclass(frozen=True, eq=False)
class _Facts:
    """What the events are whatever the window, worked out once per snapshot and
    shared by every process beside its columns (``snapshot.derived``): the shares,
    clicks and counted purchases through a share in time order with the columns a
    count reads (each click's and purchase's trust bucket, each purchase's first click
    by its buyer on its share by then, each click's (promoter, viewer) pair), and each
    member's first paid or settled purchase. About 23 bytes per click and 55 per
    purchase."""

    shares: _ByTime
    clicks: _ByTime
    purchases: _ByTime
    pair_promoter: np.ndarray  # promoter position per distinct (promoter, viewer) pair
    first_purchase: np.ndarray  # int64 per member; int64 max: none


    def arrays(self) -> dict[str, np.ndarray]:
        """Flat, as ``snapshot.derived`` keeps arrays: ``<table>_<column>``."""
        out = {"pair_promoter": self.pair_promoter, "first_purchase": self.first_purchase}
        for table in _TABLES:
            by_time: _ByTime = getattr(self, table)
            out[f"{table}_at"] = by_time.at
            out.update({f"{table}_{k}": v for k, v in by_time.columns.items()})
        return out

    @classmethod
    def of(cls, arrays: dict[str, np.ndarray]) -> _Facts:
        tables = {}
        for table in _TABLES:
            head = f"{table}_"
            columns = {k[len(head):]: v for k, v in arrays.items()
                       if k.startswith(head) and k != f"{table}_at"}
            tables[table] = _ByTime(arrays[f"{table}_at"], columns)
        return cls(**tables, pair_promoter=arrays["pair_promoter"],
                   first_purchase=arrays["first_purchase"])


_TABLES: Final = ("shares", "clicks", "purchases")


def _facts(snap: Snapshot) -> _Facts:
    return _Facts.of(snapshots.derived(snap, "conversion.facts.1",
                                       lambda s: _work_out_facts(s).arrays()))


def _work_out_facts(snap: Snapshot) -> _Facts:
    n = snap.members
    s_promoter = np.asarray(snap.s_promoter, dtype=np.intp)
    channel = np.asarray(snap.s_channel, dtype=np.intp) + 1  # 0: none
    trust = _trust(snap)

    c_at = np.asarray(snap.c_at)
    c_share = np.asarray(snap.c_share, dtype=np.intp)
    viewer = np.asarray(snap.c_viewer, dtype=np.intp)
    c_prom = s_promoter[c_share]
    c_bucket = _buckets(snap, trust, viewer, c_prom, c_at)
    c_bucket[viewer == c_prom] = _SELF_B
    key = np.where(c_prom >= 0, c_prom.astype(np.int64) * n + viewer, -1)
    pairs, pair_of = np.unique(key, return_inverse=True)
    pair_promoter = np.where(pairs >= 0, pairs // n, 0).astype(np.intp)

    p_share = np.asarray(snap.p_share, dtype=np.intp)
    buyer = np.asarray(snap.p_buyer, dtype=np.intp)
    p_at = np.asarray(snap.p_at)
    via = p_share >= 0
    p_prom = np.full(len(p_share), -1, dtype=np.intp)
    p_prom[via] = s_promoter[p_share[via]]
    p_channel = np.zeros(len(p_share), dtype=np.int16)
    p_channel[via] = channel[p_share[via]]
    first = _first_click(snap, np.maximum(p_share, 0), np.where(via, buyer, -1), p_at)
    p_bucket = _buckets(snap, trust, buyer, p_prom, np.where(first != NONE, first, p_at))
    p_bucket[buyer == p_prom] = _SELF_B
    p_bucket[buyer < 0] = _OUTSIDE_B
    counted = np.isin(snap.p_status, snap.status_codes(*COUNTED)) & (p_at != NONE)
    first_purchase = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    mine = counted & (buyer >= 0)
    np.minimum.at(first_purchase, buyer[mine], p_at[mine])

    return _Facts(
        shares=_ByTime.of(np.asarray(snap.s_at), s_promoter >= 0,
                          promoter=s_promoter.astype(np.int32), channel=channel.astype(np.int32)),
        clicks=_ByTime.of(c_at, c_prom >= 0, promoter=c_prom.astype(np.int32),
                          viewer=viewer.astype(np.int32),
                          channel=channel[c_share].astype(np.int16),
                          bucket=c_bucket.astype(np.int8),
                          pair=pair_of.reshape(-1).astype(np.int32)),
        purchases=_ByTime.of(p_at, counted & (p_prom >= 0), promoter=p_prom.astype(np.int32),
                             buyer=buyer.astype(np.int32),
                             channel=p_channel,
                             bucket=p_bucket.astype(np.int8), first=first,
                             amount=np.asarray(snap.p_amount),
                             commission=np.asarray(snap.p_commission)),
        pair_promoter=pair_promoter,
        first_purchase=first_purchase,
    )


def _first_click(snap: Snapshot, share: np.ndarray, buyer: np.ndarray,
                 at: np.ndarray) -> np.ndarray:
    """The buyer's earliest click on the share when it is at or before ``at``; NONE
    when there is none (or no buyer): the earliest click of each (share, viewer) pair
    (one sort of the clicks by pair, a minimum per run), found by binary search."""
    out = np.full(len(share), NONE, dtype=np.int64)
    c_at = np.asarray(snap.c_at)
    timed = np.flatnonzero(c_at != NONE)
    keys = (np.asarray(snap.c_share, dtype=np.int64)[timed] * snap.members
            + np.asarray(snap.c_viewer, dtype=np.int64)[timed])
    order = np.argsort(keys)
    keys, clicked = keys[order], c_at[timed][order]
    heads = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else timed[:0]
    keys = keys[heads]
    first = np.minimum.reduceat(clicked, heads) if len(heads) else clicked[:0]
    if not len(keys) or not len(share):
        return out
    key = share.astype(np.int64) * snap.members + buyer
    i = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
    hit = (buyer >= 0) & (keys[i] == key) & (first[i] <= at)
    out[hit] = first[i[hit]]
    return out


def _distinct(code: np.ndarray, who: np.ndarray, k: int, n: int) -> np.ndarray:
    """Distinct members per code."""
    if not len(code):
        return np.zeros(k, dtype=np.int64)
    code, who = code.astype(np.int64), who.astype(np.int64)
    if k * n <= _BITMAP_MAX:
        seen = np.zeros(k * n, dtype=bool)
        seen[code * n + who] = True
        return np.count_nonzero(seen.reshape(k, n), axis=1)
    keys = np.sort(code * n + who)
    head = np.ones(len(keys), dtype=bool)
    head[1:] = keys[1:] != keys[:-1]
    return np.bincount(keys[head] // n, minlength=k)


def _sum(code: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Exact integer sums per code (bincount's weights would go through floats)."""
    out = np.zeros(k, dtype=np.int64)
    np.add.at(out, code, values.astype(np.int64))
    return out
