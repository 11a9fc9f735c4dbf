"""Update a snapshot by what one load touched, instead of reading the whole store again.

A full build reads every table (about 275 s at 1,000,000 members); a load of a few
thousand rows touches a few thousand keys. ``update`` turns the snapshot before the
load back into the raw tables ``build.assemble`` takes (member index in id order),
replaces the rows of every touched key by what the store holds now (read by id lists
through ``GraphStore.columns``, parsed by the build's table parsers), and runs the same
assembly, so the result equals a build of the store, array for array (a property test
holds them equal). The by-id reads give edge ends as ids (text), looked up a column at a
time among the old snapshot's ids and the members read again: the build's node ids
would need a map from node id to member that the old snapshot does not keep (and a
node id may be reused once its node is deleted).

What a key stands for: a member, its own row; a referral child, all its ``REFERRED``
edges; a trust source, all its ``TRUSTS`` edges out; a click viewer, all its
``CLICKED`` edges; a share or an order, its row with its edges; a product, the rows
of its purchases (their entry flag). The loader records the keys of every row it
places (``Touched``): an update of an element in the store keeps its original
``load_id``, so no marker in the store says what a load changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from refnet.graph.store import GraphStore

from .build import (
    _READERS,
    PAGE,
    Raw,
    _Clicks,
    _Members,
    _Purchases,
    _Referrals,
    _Shares,
    _through,
    _Trust,
    assemble,
    build,
    click_table,
    member_table,
    purchase_table,
    read_ids,
    referral_table,
    share_table,
    trust_table,
)
from .columns import Snapshot, version_of

__all__ = ["KINDS", "SHARE", "Touched", "update"]

KINDS: Final = ("members", "referrals", "trust", "clicks", "shares", "purchases", "products")
SHARE: Final = 0.05  # past this share of the snapshot's rows, a full build is cheaper


@dataclass
class Touched:
    """The keys of what one load placed, per kind (``KINDS``; see the module docstring).

    ``base`` is the data version the load started from (its snapshot is the one to
    update) and ``version`` the one it ended at, set once the load knows no other load
    ran beside it. Past ``limit`` keys it keeps none and says ``too_many``: a full build.
    """

    base: str
    limit: int
    version: str | None = None
    members: set[str] = field(default_factory=set)
    referrals: set[str] = field(default_factory=set)
    trust: set[str] = field(default_factory=set)
    clicks: set[str] = field(default_factory=set)
    shares: set[str] = field(default_factory=set)
    purchases: set[str] = field(default_factory=set)
    products: set[str] = field(default_factory=set)
    too_many: bool = False

    def add(self, kind: str, keys: Iterable[str]) -> None:
        if self.too_many:
            return
        getattr(self, kind).update(keys)
        if sum(len(getattr(self, k)) for k in KINDS) > self.limit:
            self.too_many = True
            for k in KINDS:
                getattr(self, k).clear()


def update(old: Snapshot, store: GraphStore, touched: Touched, *, page: int = PAGE) -> Snapshot:
    """The snapshot of the store now, from ``old`` (the snapshot of ``touched.base``) and
    the rows ``touched`` names; a full build when the record cannot say (too many keys,
    or the store is no longer at the version the load ended at)."""
    version = version_of(store)
    if touched.too_many or touched.version != version or old.version != touched.base:
        return build(store, page=page)
    index, moved, members = _members(old, store, touched, page)
    # as in build: a read's server time overlaps another's numpy work (which frees the GIL)
    with ThreadPoolExecutor(_READERS, thread_name_prefix="snapshot") as pool:
        referrals = pool.submit(_referrals_of, old, store, touched, index, moved, page)
        trust = pool.submit(_trust_of, old, store, touched, index, moved, page)
        shares, share_rows = _shares(old, store, touched, index, moved, page)
        clicks = pool.submit(_clicks_of, old, store, touched, index, moved, share_rows, page)
        purchases = _purchases_of(old, store, touched, index, moved, share_rows, page)
        return assemble(version, Raw(members, referrals.result(), trust.result(), shares,
                                     clicks.result(), purchases))


class _Sorted(Mapping[str, int]):
    """Key -> index in a sorted array of keys (``str``, or UTF-8 ``bytes`` with
    ``encode``), or ``rows`` at that index, by binary search: the readers' ``index``
    without a million-entry dict."""

    def __init__(self, keys: np.ndarray, rows: np.ndarray | None = None,
                 encode: bool = False) -> None:
        self.keys, self.rows, self.encode = keys, rows, encode
        self.width = keys.dtype.itemsize // (1 if encode else 4)

    def __getitem__(self, key: str) -> int:
        k = key.encode() if self.encode else key
        if len(k) > self.width:  # in none of the keys; and searching for it would cast
            raise KeyError(key)  # every key to a wider dtype first (5 ms a look-up at 1M)
        i = int(np.searchsorted(self.keys, k))
        if i == len(self.keys) or self.keys[i] != k:
            raise KeyError(key)
        return i if self.rows is None else int(self.rows[i])

    def __iter__(self) -> Iterator[str]:
        return (k.decode() if self.encode else str(k) for k in self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def ends(self, values: list[Any]) -> np.ndarray:
        """What ``self[v]`` gives for each of a column of keys (``build.Ends``), -1 for a
        null or a key not held: one binary search for the whole column."""
        out = np.full(len(values), -1, dtype=np.int64)
        some = [i for i, v in enumerate(values) if v is not None]
        if not some or not len(self.keys):
            return out
        text = [str(values[i]) for i in some]
        wanted = (np.array([t.encode() for t in text], dtype=np.bytes_) if self.encode
                  else np.array(text, dtype=str))
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        found = self.keys[at] == wanted
        hit = at[found]
        out[np.asarray(some, dtype=np.int64)[found]] = hit if self.rows is None else self.rows[hit]
        return out


def _members(old: Snapshot, store: GraphStore, touched: Touched, page: int
             ) -> tuple[_Sorted, np.ndarray, _Members]:
    """The members in id order: the old ones' columns at their new index, the touched
    ones' rows read again. Returns id -> index, the new index of each old position,
    and the table."""
    n_old = old.members
    old_order = np.asarray(old.id_order, dtype=np.int64)  # old index -> old position
    old_ids = np.asarray(old.ids)[old_order]
    read = member_table(read_ids(store, "snapshot/members_by_id", sorted(touched.members), page))
    got = np.asarray(read.ids, dtype=str)  # sorted: the table sorts by id
    where = np.searchsorted(old_ids, got)
    known = old_ids[np.minimum(where, n_old - 1)] == got if n_old else where < 0
    added, at = got[~known], where[~known]  # sorted: the reader sorts by id
    chars = max(old_ids.dtype.itemsize, added.dtype.itemsize, 4) // 4
    ids = np.insert(old_ids.astype(f"<U{chars}"), at, added)
    moved_by_index = np.arange(n_old) + np.searchsorted(at, np.arange(n_old), side="right")
    moved = np.empty(n_old, dtype=np.int64)  # old position -> new index
    moved[old_order] = moved_by_index
    statuses, status_code = _codes(old.member_statuses, read.statuses)
    tiers, tier_code = _codes(old.tiers, read.tiers)
    joined = np.empty(len(ids), dtype=np.int64)
    status = np.empty(len(ids), dtype=np.int32)
    tier = np.empty(len(ids), dtype=np.int32)
    joined[moved] = old.joined_at
    status[moved] = old.m_status
    tier[moved] = old.m_tier
    rows = np.searchsorted(ids, got)
    joined[rows] = read.joined_at
    status[rows] = status_code[read.status]
    tier[rows] = tier_code[read.tier]
    return _Sorted(ids), moved, _Members(ids, joined, status, tier, statuses, tiers)


def _codes(old: tuple[str, ...], read: tuple[str, ...]) -> tuple[tuple[str, ...], np.ndarray]:
    """The old code table with the names the rows read brought, and where each read code
    went in it (an extra last entry: code -1, none, stays -1)."""
    table = list(old)
    for name in read:
        if name not in table:
            table.append(name)
    return tuple(table), np.array([*(table.index(n) for n in read), -1], dtype=np.int32)


def _keep(column: np.ndarray, drop: Iterable[str], index: Mapping[str, int]
          ) -> np.ndarray | slice:
    """Rows whose member (new index) is not among ``drop``: their rows are read again."""
    gone = np.array(sorted(index[m] for m in drop if m in index), dtype=np.int64)
    return ~np.isin(column, gone) if len(gone) else slice(None)


def _among(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Which ``keys`` are among the few ``wanted``: a binary search in them for each key,
    not a sort of all the keys (``np.isin``)."""
    if not len(keys) or not len(wanted):
        return np.zeros(len(keys), dtype=bool)
    dtype = np.result_type(keys.dtype, wanted.dtype)
    keys, wanted = keys.astype(dtype, copy=False), np.sort(wanted.astype(dtype))
    return wanted[np.minimum(np.searchsorted(wanted, keys), len(wanted) - 1)] == keys


def _referrals_of(old: Snapshot, store: GraphStore, touched: Touched, index: _Sorted,
                  moved: np.ndarray, page: int) -> _Referrals:
    """Every REFERRED edge: the forest's parent edges and the x_* edges, and the touched
    children's edges read again."""
    parent = np.asarray(old.parent, dtype=np.int64)
    by_id = np.asarray(old.id_order, dtype=np.int64)
    kids = by_id[parent[by_id] >= 0]  # in id order: the children come sorted (lexorder)
    x_child, x_parent = (np.asarray(c, dtype=np.int64) for c in (old.x_child, old.x_parent))
    child = moved[np.concatenate([kids, x_child])]
    par = moved[np.concatenate([parent[kids], x_parent])]
    when = np.concatenate([np.asarray(old.ref_at)[kids], old.x_at])
    keep = _keep(child, touched.referrals, index)
    read = referral_table(read_ids(store, "snapshot/referrals_by_id",
                                   sorted(touched.referrals), page), index.ends)
    return _Referrals(np.concatenate([child[keep], read.child]),
                      np.concatenate([par[keep], read.parent]),
                      np.concatenate([when[keep], read.at]))


def _trust_of(old: Snapshot, store: GraphStore, touched: Touched, index: _Sorted,
              moved: np.ndarray, page: int) -> _Trust:
    src = moved[np.asarray(old.t_src, dtype=np.int64)]
    keep = _keep(src, touched.trust, index)
    read = trust_table(read_ids(store, "snapshot/trust_by_id", sorted(touched.trust), page),
                       index.ends)
    return _Trust(np.concatenate([src[keep], read.src]),
                  np.concatenate([moved[np.asarray(old.t_dst, dtype=np.int64)][keep], read.dst]),
                  np.concatenate([np.asarray(old.t_weight)[keep], read.weight]),
                  np.concatenate([np.asarray(old.t_since)[keep], read.since]))


def _shares(old: Snapshot, store: GraphStore, touched: Touched, index: _Sorted,
            moved: np.ndarray, page: int) -> tuple[_Shares, _Sorted]:
    """The shares: the old ones in their order (old share index = row, so the assembly's
    sort finds them in order), the touched ones read again, the new ones after them.
    Returns the table and share id -> row."""
    key = np.asarray(old.s_key)
    by_key = np.argsort(key, kind="stable")
    old_rows = _Sorted(key[by_key], by_key, encode=True)
    read = share_table(read_ids(store, "snapshot/shares_by_id", sorted(touched.shares), page),
                       index.ends)
    again = old_rows.ends([k.decode() for k in read.key.tolist()])
    new = again < 0
    again[new] = len(key) + np.arange(int(new.sum()))
    keys = np.concatenate([key[by_key], read.key[new]])
    rows = np.concatenate([by_key, again[new]])
    order = np.argsort(keys, kind="stable")  # a sorted run and a short one: quick
    channels, channel_code = _codes(old.channels, read.channels)
    promoter = np.concatenate([_through(moved, np.asarray(old.s_promoter, dtype=np.int64)),
                               read.promoter[new]])
    at = np.concatenate([old.s_at, read.at[new]])
    channel = np.concatenate([old.s_channel, channel_code[read.channel[new]]])
    promoter[again], at[again] = read.promoter, read.at
    channel[again] = channel_code[read.channel]
    shares = _Shares(np.concatenate([key, read.key[new]]), promoter, at, channel, channels)
    return shares, _Sorted(keys[order], rows[order], encode=True)


def _clicks_of(old: Snapshot, store: GraphStore, touched: Touched, index: _Sorted,
               moved: np.ndarray, share_rows: _Sorted, page: int) -> _Clicks:
    viewer = moved[np.asarray(old.c_viewer, dtype=np.int64)]
    keep = _keep(viewer, touched.clicks, index)
    read = click_table(read_ids(store, "snapshot/clicks_by_id", sorted(touched.clicks), page),
                       index.ends, share_rows.ends)
    return _Clicks(
        np.concatenate([np.asarray(old.c_share, dtype=np.int64)[keep], read.share]),
        np.concatenate([viewer[keep], read.viewer]),
        np.concatenate([np.asarray(old.c_at)[keep], read.at]))


def _purchases_of(old: Snapshot, store: GraphStore, touched: Touched, index: _Sorted,
                  moved: np.ndarray, share_rows: _Sorted, page: int) -> _Purchases:
    """The old purchases but the touched orders and the purchases of touched products,
    which are read again."""
    orders = read_ids(store, "snapshot/purchases_by_id", sorted(touched.purchases), page)
    of_products = read_ids(store, "snapshot/product_purchases", sorted(touched.products), page)
    # one table: a purchase read by both counts once, as the first (build._once)
    read = purchase_table({c: orders[c] + of_products[c] for c in orders}, index.ends,
                          share_rows.ends)
    key = np.asarray(old.p_key)
    keep = ~_among(key, read.key)
    statuses, status_code = _codes(old.statuses, read.statuses)
    return _Purchases(
        np.concatenate([key[keep], read.key]),
        np.concatenate([_through(moved, np.asarray(old.p_buyer, dtype=np.int64))[keep],
                        read.buyer]),
        np.concatenate([_through(moved, np.asarray(old.p_promoter, dtype=np.int64))[keep],
                        read.promoter]),
        np.concatenate([np.asarray(old.p_share, dtype=np.int64)[keep], read.share]),
        np.concatenate([np.asarray(old.p_amount)[keep], read.amount]),
        np.concatenate([np.asarray(old.p_commission)[keep], read.commission]),
        np.concatenate([np.asarray(old.p_status)[keep],
                        status_code[read.status].astype(np.int8)]),
        np.concatenate([np.asarray(old.p_at)[keep], read.at]),
        np.concatenate([np.asarray(old.p_entry)[keep], read.entry]),
        statuses)
