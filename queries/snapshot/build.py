"""Read the store into the snapshot's columns: paged, flat reads through the store protocol.

Node tables (``snapshot/members``, ``snapshot/shares``, ``snapshot/purchases``) are
read in ranges of internal node ids, a label-and-id scan with no sort (a page ordered
by id sorted the rest of the table every time). The members' edges are read for pages
of member ids (``snapshot/referrals``, ``snapshot/trust``, ``snapshot/clicks``:
``UNWIND $ids``, an index lookup each; ranges of ids would be cheaper to send, but
FalkorDB's index answers a string range with an upper bound wrongly). Flat rows, one
per node or edge: an aggregation per page (collecting each member's edges) cost the
server twice as much. Most of the time goes to turning rows into Python values on the
client, while the server waits; two or three reads at once overlap one's parsing with
another's server time (23 s -> 15-17 s at 100,000 members on a busy 2-core machine).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from refnet.graph.errors import ResultTooLarge
from refnet.graph.store import GraphStore

from .columns import NONE, Snapshot, version_of
from .forest import NotAForest, cut_cycles, first_referrals, lexorder, preorder

__all__ = ["PAGE", "Raw", "assemble", "build", "keys", "read"]

PAGE: Final = 100_000  # rows (or members, for edges) per paged read; the store caps a result at 1M
_READERS: Final = 3  # reads at once


@dataclass
class Raw:
    """The store's tables keyed by member index (id order), as the readers give them:
    what ``assemble`` turns into a snapshot. ``build`` reads them from the store;
    ``update.update`` makes them from an older snapshot and the rows a load touched."""

    members: _Members
    referrals: _Referrals
    trust: _Trust
    shares: _Shares
    clicks: _Clicks
    purchases: _Purchases


def build(store: GraphStore, *, page: int = PAGE) -> Snapshot:
    """Read the store page by page into columns.

    The version is read first: a load finishing while this runs makes a newer
    version, so the snapshot is never labelled newer than what it read.
    """
    version = version_of(store)
    return assemble(version, read(store, page=page))


def read(store: GraphStore, *, page: int = PAGE) -> Raw:
    """Every table of the store, paged; member index ``i`` is the ``i``-th id."""
    members = _members(store, page)
    index = {m: i for i, m in enumerate(members.ids)}
    with ThreadPoolExecutor(_READERS, thread_name_prefix="snapshot") as pool:
        referrals_f = pool.submit(_referrals, store, members.ids, index, page)
        trust_f = pool.submit(_trust, store, members.ids, index, page)
        shares_f = pool.submit(_shares, store, index, page)
        shares = shares_f.result()
        clicks_f = pool.submit(_clicks, store, members.ids, index, shares.index, page)
        purchases_f = pool.submit(_purchases, store, index, shares.index, page)
        return Raw(members, referrals_f.result(), trust_f.result(), shares,
                   clicks_f.result(), purchases_f.result())


def assemble(version: str, raw: Raw) -> Snapshot:
    """The snapshot of ``raw``: the forest in preorder, every table in its order.

    Whatever order the rows come in, the result is the same (so a snapshot updated
    from an older one equals one built afresh): members by id, shares and purchases
    by (promoter position, id), code tables sorted and holding only the codes in use.
    Preorder positions are assigned once every member is known.
    """
    members, referrals, trust = raw.members, raw.referrals, raw.trust
    shares, clicks, purchases = raw.shares, raw.clicks, raw.purchases
    member_ids = np.asarray(members.ids, dtype=str)
    n = len(member_ids)
    par, ref_at, x_child, x_parent, x_at = first_referrals(
        n, referrals.child, referrals.parent, referrals.at)
    try:
        order, parent, root, depth, size = preorder(par)
    except NotAForest:  # rare (see cut_cycles): look for the cycles only then
        cut = np.array(cut_cycles(par), dtype=np.int64).reshape(-1, 2)
        # the cut edge joins the x_* table; the member is a root
        x_child = np.concatenate([x_child, cut[:, 0]])
        x_parent = np.concatenate([x_parent, cut[:, 1]])
        x_at = np.concatenate([x_at, ref_at[cut[:, 0]]])
        ref_at[cut[:, 0]] = NONE
        order, parent, root, depth, size = preorder(par)
    pos = np.empty(n, dtype=np.int64)  # member index -> preorder position
    pos[order] = np.arange(n)
    ids = member_ids[order] if n else np.array([], dtype="<U1")
    x = lexorder(pos[x_parent], x_at, pos[x_child])
    t_src, t_dst = pos[trust.src], pos[trust.dst]
    t = lexorder(t_dst, t_src)
    s_promoter = _through(pos, shares.promoter)
    s_order = _by_promoter(s_promoter, shares.key)
    s_new = np.empty(len(s_order), dtype=np.int64)
    s_new[s_order] = np.arange(len(s_order))
    c_share, c_viewer = s_new[clicks.share], pos[clicks.viewer]
    c = lexorder(c_viewer, clicks.at, c_share)
    p_promoter = _through(pos, purchases.promoter)
    p_buyer = _through(pos, purchases.buyer)
    p = _by_promoter(p_promoter, purchases.key)
    p_buyer = p_buyer[p]
    # NONE is the least int64: the largest time is the newest one there is
    latest = max((int(t.max()) for t in (members.joined_at, shares.at, clicks.at,
                                         purchases.at) if len(t)), default=NONE)
    p_status, statuses = _canonical(purchases.status, purchases.statuses)
    m_status, member_statuses = _canonical(members.status, members.statuses)
    m_tier, tiers = _canonical(members.tier, members.tiers)
    s_channel, channels = _canonical(shares.channel, shares.channels)
    return Snapshot(
        version=version,
        latest=None if latest == NONE else latest,
        statuses=statuses,
        member_statuses=member_statuses,
        tiers=tiers,
        channels=channels,
        ids=ids,
        joined_at=members.joined_at[order],
        ref_at=ref_at[order],
        parent=parent.astype(np.int32),
        root=root.astype(np.int32),
        depth=depth.astype(np.int32),
        size=size.astype(np.int32),
        id_order=pos.astype(np.int32),  # member index is id order
        m_status=m_status[order],
        m_tier=m_tier[order],
        x_child=pos[x_child][x].astype(np.int32),
        x_parent=pos[x_parent][x].astype(np.int32),
        x_at=x_at[x],
        t_src=t_src[t].astype(np.int32),
        t_dst=t_dst[t].astype(np.int32),
        t_weight=trust.weight[t],
        t_since=trust.since[t],
        s_promoter=s_promoter[s_order].astype(np.int32),
        s_at=shares.at[s_order],
        s_channel=s_channel[s_order],
        s_key=shares.key[s_order],
        c_share=c_share[c].astype(np.int32),
        c_viewer=c_viewer[c].astype(np.int32),
        c_at=clicks.at[c],
        p_buyer=p_buyer.astype(np.int32),
        p_promoter=p_promoter[p].astype(np.int32),
        p_share=_through(s_new, purchases.share)[p].astype(np.int32),
        p_amount=purchases.amount[p],
        p_commission=purchases.commission[p],
        p_status=p_status[p],
        p_at=purchases.at[p],
        p_entry=purchases.entry[p],
        p_key=purchases.key[p],
        by_buyer=np.argsort(p_buyer, kind="stable").astype(np.int32),
    )


def _by_promoter(promoter: np.ndarray, key: np.ndarray) -> np.ndarray:
    """The rows' order by (promoter position, key)."""
    return lexorder(key, promoter)


def _canonical(codes: np.ndarray, names: tuple[str, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Codes into the sorted table of the names in use: the table must not depend on the
    order rows were read in, nor keep a name no row has any more."""
    used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(names))).tolist()
    table = sorted(names[i] for i in used)
    remap = np.full(len(names) + 1, -1, dtype=np.int64)  # the last entry: code -1 stays -1
    for i in used:
        remap[i] = table.index(names[i])
    return remap[codes].astype(codes.dtype), tuple(table)


# -- one reader per table: rows -> arrays keyed by member index (id order) ----------------


@dataclass
class _Members:
    ids: list[str] | np.ndarray  # sorted
    joined_at: np.ndarray
    status: np.ndarray
    tier: np.ndarray
    statuses: tuple[str, ...]
    tiers: tuple[str, ...]


def _members(store: GraphStore, page: int) -> _Members:
    return _member_rows(_unique(_pages(store, "snapshot/members", page)))


def _member_rows(rows: Iterable[tuple[Any, ...]]) -> _Members:
    """The members sorted by id: member index ``i`` is the ``i``-th id, so children come
    in id order in the preorder."""
    ids: list[str] = []
    joined: list[int] = []
    status: list[int] = []
    tier: list[int] = []
    statuses: dict[str, int] = {}
    tiers: dict[str, int] = {}
    for member, joined_at, st, tr in rows:
        ids.append(member)
        joined.append(_time(joined_at))
        status.append(_code(st, statuses))
        tier.append(_code(tr, tiers))
    order = np.argsort(np.array(ids, dtype=str), kind="stable") if ids else _i64([])
    return _Members([ids[i] for i in order.tolist()], _i64(joined)[order],
                    _i32(status)[order], _i32(tier)[order], tuple(statuses), tuple(tiers))


@dataclass
class _Referrals:
    child: np.ndarray  # member index
    parent: np.ndarray  # member index, -1 for a referrer not among the members read
    at: np.ndarray


def _referrals(store: GraphStore, ids: list[str], index: Mapping[str, int], page: int
               ) -> _Referrals:
    """One row per REFERRED edge into the members ``ids``."""
    child: list[int] = []
    parent: list[int] = []
    at: list[int] = []
    for c, p, when in _edges(store, "snapshot/referrals", ids, page):
        child.append(index[str(c)])
        parent.append(index.get(str(p), -1))
        at.append(_time(when))
    return _Referrals(_i64(child), _i64(parent), _i64(at))


@dataclass
class _Trust:
    src: np.ndarray  # member index
    dst: np.ndarray
    weight: np.ndarray
    since: np.ndarray


def _trust(store: GraphStore, ids: list[str], index: Mapping[str, int], page: int) -> _Trust:
    src: list[int] = []
    dst: list[int] = []
    weight: list[float] = []
    since: list[int] = []
    for a, b, w, s in _edges(store, "snapshot/trust", ids, page):
        src.append(index[str(a)])
        dst.append(index[str(b)])
        weight.append(np.nan if w is None else float(w))
        since.append(_time(s))
    return _Trust(_i64(src), _i64(dst), np.array(weight, dtype=np.float64), _i64(since))


@dataclass
class _Shares:
    index: dict[str, int]  # share id -> row, for the readers of clicks and purchases
    key: np.ndarray  # share id (UTF-8 bytes) per row
    promoter: np.ndarray  # member index, -1 for none
    at: np.ndarray
    channel: np.ndarray
    channels: tuple[str, ...]


def _shares(store: GraphStore, index: Mapping[str, int], page: int) -> _Shares:
    return _share_rows(_unique(_pages(store, "snapshot/shares", page)), index)


def _share_rows(rows: Iterable[tuple[Any, ...]], index: Mapping[str, int]) -> _Shares:
    shares: dict[str, int] = {}
    promoter: list[int] = []
    at: list[int] = []
    channel: list[int] = []
    channels: dict[str, int] = {}
    # one row per share: a second promoter (none in the model) is dropped
    for share, when, ch, pr in rows:
        shares[share] = len(shares)
        promoter.append(-1 if pr is None else index[str(pr)])
        at.append(_time(when))
        channel.append(_code(ch, channels))
    return _Shares(shares, keys(list(shares)), _i64(promoter), _i64(at), _i32(channel),
                   tuple(channels))


@dataclass
class _Clicks:
    share: np.ndarray  # share row
    viewer: np.ndarray  # member index
    at: np.ndarray


def _clicks(store: GraphStore, ids: list[str], index: Mapping[str, int],
            shares: Mapping[str, int], page: int) -> _Clicks:
    share: list[int] = []
    viewer: list[int] = []
    at: list[int] = []
    for v, s, when in _edges(store, "snapshot/clicks", ids, page):
        share.append(shares[str(s)])
        viewer.append(index[str(v)])
        at.append(_time(when))
    return _Clicks(_i64(share), _i64(viewer), _i64(at))


@dataclass
class _Purchases:
    key: np.ndarray  # order id (UTF-8 bytes) per row
    buyer: np.ndarray  # member index, -1 for none
    promoter: np.ndarray
    share: np.ndarray  # share row, -1 for none
    amount: np.ndarray
    commission: np.ndarray
    status: np.ndarray
    at: np.ndarray
    entry: np.ndarray
    statuses: tuple[str, ...]


def _purchases(store: GraphStore, index: Mapping[str, int], shares: Mapping[str, int],
               page: int) -> _Purchases:
    return _purchase_rows(_unique(_pages(store, "snapshot/purchases", page)), index, shares)


def _purchase_rows(rows: Iterable[tuple[Any, ...]], index: Mapping[str, int],
                   shares: Mapping[str, int]) -> _Purchases:
    buyer: list[int] = []
    promoter: list[int] = []
    share: list[int] = []
    amount: list[int] = []
    commission: list[int] = []
    status: list[int] = []
    at: list[int] = []
    entry: list[int] = []
    statuses: dict[str, int] = {}
    ids: list[str] = []
    for (order_id, b, pr, sh, amt, com, st, when, has_product, is_entry
         ) in rows:
        ids.append(order_id)
        buyer.append(-1 if b is None else index[str(b)])
        promoter.append(-1 if pr is None else index[str(pr)])
        share.append(-1 if sh is None else shares[str(sh)])
        amount.append(int(amt or 0))
        commission.append(int(com or 0))
        status.append(_code(st, statuses))
        at.append(_time(when))
        entry.append(-1 if not has_product else int(bool(is_entry)))
    return _Purchases(keys(ids), _i64(buyer), _i64(promoter), _i64(share), _i64(amount),
                      _i64(commission), np.array(status, dtype=np.int8), _i64(at),
                      np.array(entry, dtype=np.int8), tuple(statuses))


# -- paging --------------------------------------------------------------------------


def _pages(store: GraphStore, name: str, page: int) -> Iterator[tuple[Any, ...]]:
    """Rows of a node table (the id first), for ranges of ``page`` internal node ids up to
    the largest (``snapshot/last_node``): no sort, and no page holds more than ``page``
    rows. Nodes made while this runs may be missed or read; the version read before
    the build says what the snapshot is of."""
    last = store.run("snapshot/last_node", timeout_ms=_timeout(store)).scalar()
    for lo in range(0, -1 if last is None else int(last) + 1, page):
        yield from store.run(name, {"lo": lo, "hi": lo + page}, timeout_ms=_timeout(store)).rows


def _unique(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Each id's first row (the id as text): a row read twice must not count twice."""
    seen: set[str] = set()
    for row in rows:
        key = str(row[0])
        if key not in seen:
            seen.add(key)
            yield (key, *row[1:])


def _edges(store: GraphStore, name: str, ids: list[str], page: int) -> Iterator[tuple[Any, ...]]:
    """Rows of an edge table for ``page`` member ids at a time; a page whose edges pass
    the store's row cap is halved until each half fits."""
    todo = [(k, min(k + page, len(ids))) for k in range(0, len(ids), page)]
    while todo:
        first, last = todo.pop(0)
        try:
            yield from store.run(name, {"ids": ids[first:last]}, timeout_ms=_timeout(store)).rows
        except ResultTooLarge:
            if last - first < 2:
                raise
            mid = (first + last) // 2
            todo[:0] = [(first, mid), (mid, last)]


def _timeout(store: GraphStore) -> int:
    """A build is a background job, not a click: each read may take the longest a call
    may ask for (``timeout_max_ms``), not the interactive default."""
    return store.config.limits.timeout_max_ms


def _through(mapping: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``mapping[idx]`` where ``idx >= 0``, -1 where it is -1 (none)."""
    if not len(mapping):
        return np.full(len(idx), -1, dtype=np.int64)
    # -1 reads the last entry, then is put back
    return np.where(idx >= 0, mapping[idx], -1).astype(np.int64, copy=False)


def keys(ids: list[str]) -> np.ndarray:
    """Ids as UTF-8 bytes (numpy ``S``): the key columns, a quarter of the bytes of ``U``."""
    return np.array([i.encode() for i in ids], dtype=np.bytes_) if ids else np.array([], "S1")


def _time(value: Any) -> int:
    return NONE if value is None else int(value)


def _code(value: Any, table: dict[str, int]) -> int:
    return -1 if value is None else table.setdefault(str(value), len(table))


def _i32(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int32)


def _i64(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)

