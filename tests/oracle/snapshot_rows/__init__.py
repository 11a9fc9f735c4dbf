"""The oracle: the snapshot as it was built a row at a time, by id strings.

``refnet.queries.snapshot.build`` reads columns in ranges of internal node ids and maps
edge ends by node id; this is the build it replaced (its readers and its .cypher files
beside this file: node tables by ranges of node ids, edges by pages of member ids,
``UNWIND $ids``, every value through ``GraphStore.run``), kept so that tests can hold
the new build equal to it, column for column. ``snapshot/last_node`` is the product's.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from refnet.graph.errors import ResultTooLarge
from refnet.graph.store import GraphStore
from refnet.queries.snapshot.columns import NONE, Snapshot, version_of
from refnet.queries.snapshot.forest import cut_cycles, first_referrals, preorder

__all__ = ["build"]

PAGE: Final = 100_000  # rows (or members, for edges) per paged read; the store caps a result at 1M
_READERS: Final = 3  # reads at once


def build(store: GraphStore, *, page: int = PAGE) -> Snapshot:
    """Read the store page by page into columns.

    The version is read first: a load finishing while this runs makes a newer
    version, so the snapshot is never labelled newer than what it read. Member index
    ``i`` is the ``i``-th id; preorder positions are assigned once every member is
    known.
    """
    version = version_of(store)
    members = _members(store, page)
    index = {m: i for i, m in enumerate(members.ids)}
    with ThreadPoolExecutor(_READERS, thread_name_prefix="snapshot") as pool:
        referrals_f = pool.submit(_referrals, store, members.ids, index, page)
        trust_f = pool.submit(_trust, store, members.ids, index, page)
        shares_f = pool.submit(_shares, store, index, page)
        shares = shares_f.result()
        clicks_f = pool.submit(_clicks, store, members.ids, index, shares.index, page)
        purchases_f = pool.submit(_purchases, store, index, shares.index, page)
        referrals, trust = referrals_f.result(), trust_f.result()
        clicks, purchases = clicks_f.result(), purchases_f.result()

    n = len(members.ids)
    par, ref_at, x_child, x_parent, x_at = first_referrals(n, referrals, index)
    for c, p in cut_cycles(par):  # the cut edge joins the x_* table; the member is a root
        x_child.append(c)
        x_parent.append(p)
        x_at.append(int(ref_at[c]))
        ref_at[c] = NONE
    order, parent, root, depth, size = preorder(par)
    pos = np.empty(n, dtype=np.int64)  # member index -> preorder position
    pos[order] = np.arange(n)
    ids = np.array(members.ids, dtype=str)[order] if n else np.array([], dtype="<U1")
    x = np.lexsort((pos[_i64(x_parent)], _i64(x_at), pos[_i64(x_child)]))
    t_src, t_dst = pos[trust.src], pos[trust.dst]
    t = np.lexsort((t_dst, t_src))
    # shares by (promoter position, id); they were read in id order
    s_promoter = _through(pos, shares.promoter)
    s_order = np.argsort(s_promoter, kind="stable")
    s_new = np.empty(len(s_order), dtype=np.int64)
    s_new[s_order] = np.arange(len(s_order))
    c_share, c_viewer = s_new[clicks.share], pos[clicks.viewer]
    c = np.lexsort((c_viewer, clicks.at, c_share))
    p_promoter = _through(pos, purchases.promoter)
    p_buyer = _through(pos, purchases.buyer)
    p = np.argsort(p_promoter, kind="stable")
    p_buyer = p_buyer[p]
    times = [t[t != NONE] for t in (members.joined_at, shares.at, clicks.at, purchases.at)]
    latest = max((int(t.max()) for t in times if len(t)), default=None)
    return Snapshot(
        version=version,
        latest=latest,
        statuses=purchases.statuses,
        member_statuses=members.statuses,
        tiers=members.tiers,
        channels=shares.channels,
        ids=ids,
        joined_at=members.joined_at[order],
        ref_at=ref_at[order],
        parent=parent.astype(np.int32),
        root=root.astype(np.int32),
        depth=depth.astype(np.int32),
        size=size.astype(np.int32),
        id_order=np.argsort(ids, kind="stable").astype(np.int32),
        m_status=members.status[order],
        m_tier=members.tier[order],
        x_child=pos[_i64(x_child)][x].astype(np.int32),
        x_parent=pos[_i64(x_parent)][x].astype(np.int32),
        x_at=_i64(x_at)[x],
        t_src=t_src[t].astype(np.int32),
        t_dst=t_dst[t].astype(np.int32),
        t_weight=trust.weight[t],
        t_since=trust.since[t],
        s_promoter=s_promoter[s_order].astype(np.int32),
        s_at=shares.at[s_order],
        s_channel=shares.channel[s_order],
        c_share=c_share[c].astype(np.int32),
        c_viewer=c_viewer[c].astype(np.int32),
        c_at=clicks.at[c],
        p_buyer=p_buyer.astype(np.int32),
        p_promoter=p_promoter[p].astype(np.int32),
        p_share=_through(s_new, purchases.share)[p].astype(np.int32),
        p_amount=purchases.amount[p],
        p_commission=purchases.commission[p],
        p_status=purchases.status[p],
        p_at=purchases.at[p],
        p_entry=purchases.entry[p],
        by_buyer=np.argsort(p_buyer, kind="stable").astype(np.int32),
    )


# -- one reader per table: rows -> arrays keyed by member index (id order) ----------------


@dataclass
class _Members:
    ids: list[str]
    joined_at: np.ndarray
    status: np.ndarray
    tier: np.ndarray
    statuses: tuple[str, ...]
    tiers: tuple[str, ...]


def _members(store: GraphStore, page: int) -> _Members:
    """The members sorted by id: member index ``i`` is the ``i``-th id, so children come
    in id order in the preorder."""
    ids: list[str] = []
    joined: list[int] = []
    status: list[int] = []
    tier: list[int] = []
    statuses: dict[str, int] = {}
    tiers: dict[str, int] = {}
    for member, joined_at, st, tr in _unique(_pages(store, "snapshot_rows/members", page)):
        ids.append(member)
        joined.append(_time(joined_at))
        status.append(_code(st, statuses))
        tier.append(_code(tr, tiers))
    order = np.argsort(np.array(ids, dtype=str), kind="stable") if ids else _i64([])
    return _Members([ids[i] for i in order.tolist()], _i64(joined)[order],
                    _i32(status)[order], _i32(tier)[order], tuple(statuses), tuple(tiers))


def _referrals(store: GraphStore, ids: list[str], index: dict[str, int], page: int
               ) -> list[tuple[int, str, int]]:
    """(child index, referrer id, at) per REFERRED edge."""
    return [(index[str(c)], str(p), _time(at))
            for c, p, at in _edges(store, "snapshot_rows/referrals", ids, page)]


@dataclass
class _Trust:
    src: np.ndarray  # member index
    dst: np.ndarray
    weight: np.ndarray
    since: np.ndarray


def _trust(store: GraphStore, ids: list[str], index: dict[str, int], page: int) -> _Trust:
    src: list[int] = []
    dst: list[int] = []
    weight: list[float] = []
    since: list[int] = []
    for a, b, w, s in _edges(store, "snapshot_rows/trust", ids, page):
        src.append(index[str(a)])
        dst.append(index[str(b)])
        weight.append(np.nan if w is None else float(w))
        since.append(_time(s))
    return _Trust(_i64(src), _i64(dst), np.array(weight, dtype=np.float64), _i64(since))


@dataclass
class _Shares:
    index: dict[str, int]  # share id -> row, in id order
    promoter: np.ndarray  # member index, -1 for none
    at: np.ndarray
    channel: np.ndarray
    channels: tuple[str, ...]


def _shares(store: GraphStore, index: dict[str, int], page: int) -> _Shares:
    shares: dict[str, int] = {}
    promoter: list[int] = []
    at: list[int] = []
    channel: list[int] = []
    channels: dict[str, int] = {}
    # one row per share: a second promoter (none in the model) is dropped
    for share, when, ch, pr in _unique(_pages(store, "snapshot_rows/shares", page)):
        shares[share] = len(shares)
        promoter.append(-1 if pr is None else index[str(pr)])
        at.append(_time(when))
        channel.append(_code(ch, channels))
    return _Shares(shares, _i64(promoter), _i64(at), _i32(channel), tuple(channels))


@dataclass
class _Clicks:
    share: np.ndarray  # share row
    viewer: np.ndarray  # member index
    at: np.ndarray


def _clicks(store: GraphStore, ids: list[str], index: dict[str, int], shares: dict[str, int],
            page: int) -> _Clicks:
    share: list[int] = []
    viewer: list[int] = []
    at: list[int] = []
    for v, s, when in _edges(store, "snapshot_rows/clicks", ids, page):
        share.append(shares[str(s)])
        viewer.append(index[str(v)])
        at.append(_time(when))
    return _Clicks(_i64(share), _i64(viewer), _i64(at))


@dataclass
class _Purchases:
    buyer: np.ndarray  # member index, -1 for none
    promoter: np.ndarray
    share: np.ndarray  # share row, -1 for none
    amount: np.ndarray
    commission: np.ndarray
    status: np.ndarray
    at: np.ndarray
    entry: np.ndarray
    statuses: tuple[str, ...]


def _purchases(store: GraphStore, index: dict[str, int], shares: dict[str, int],
               page: int) -> _Purchases:
    buyer: list[int] = []
    promoter: list[int] = []
    share: list[int] = []
    amount: list[int] = []
    commission: list[int] = []
    status: list[int] = []
    at: list[int] = []
    entry: list[int] = []
    statuses: dict[str, int] = {}
    for (_id, b, pr, sh, amt, com, st, when, has_product, is_entry
         ) in _unique(_pages(store, "snapshot_rows/purchases", page)):
        buyer.append(-1 if b is None else index[str(b)])
        promoter.append(-1 if pr is None else index[str(pr)])
        share.append(-1 if sh is None else shares[str(sh)])
        amount.append(int(amt or 0))
        commission.append(int(com or 0))
        status.append(_code(st, statuses))
        at.append(_time(when))
        entry.append(-1 if not has_product else int(bool(is_entry)))
    return _Purchases(_i64(buyer), _i64(promoter), _i64(share), _i64(amount),
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
    out = np.full(len(idx), -1, dtype=np.int64)
    some = idx >= 0
    out[some] = mapping[idx[some]]
    return out


def _time(value: Any) -> int:
    return NONE if value is None else int(value)


def _code(value: Any, table: dict[str, int]) -> int:
    return -1 if value is None else table.setdefault(str(value), len(table))


def _i32(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int32)


def _i64(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)

