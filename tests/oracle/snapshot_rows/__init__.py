"""The oracle: the snapshot's tables read a row at a time, by id strings.

``refnet.queries.snapshot.build`` reads columns in ranges of internal node ids and maps
edge ends by node id; this is the read it replaced (its readers and its .cypher files
beside this file: node tables by ranges of node ids, edges by pages of member ids,
``UNWIND $ids``, every value through ``GraphStore.run``, every end looked up by id),
kept so that tests can hold the new read equal to it, column for column. Both hand
their tables to the product's one assembly (``build.assemble``: orderings, code tables,
the forest), so what is compared is what was read. ``snapshot/node_range`` is the
product's.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import numpy as np

from refnet.graph.errors import ResultTooLarge
from refnet.graph.store import GraphStore
from refnet.queries.snapshot.build import (
    Raw,
    _Clicks,
    _Members,
    _Purchases,
    _Referrals,
    _Shares,
    _Trust,
    assemble,
    keys,
)
from refnet.queries.snapshot.columns import NONE, Snapshot, version_of

__all__ = ["build", "read"]

PAGE: Final = 100_000  # rows (or members, for edges) per paged read; the store caps a result at 1M
_READERS: Final = 3  # reads at once


def build(store: GraphStore, *, page: int = PAGE) -> Snapshot:
    """The version first (as the product's build), then the tables a row at a time, then
    the product's assembly."""
    version = version_of(store)
    return assemble(version, read(store, page=page))


def read(store: GraphStore, *, page: int = PAGE) -> Raw:
    """Every table, keyed by member index (id order)."""
    members = _members(store, page)
    ids = members.ids.tolist()
    index = {m: i for i, m in enumerate(ids)}
    with ThreadPoolExecutor(_READERS, thread_name_prefix="snapshot-rows") as pool:
        referrals_f = pool.submit(_referrals, store, ids, index, page)
        trust_f = pool.submit(_trust, store, ids, index, page)
        shares_f = pool.submit(_shares, store, index, page)
        shares, share_index = shares_f.result()
        clicks_f = pool.submit(_clicks, store, ids, index, share_index, page)
        purchases_f = pool.submit(_purchases, store, index, share_index, page)
        return Raw(members, referrals_f.result(), trust_f.result(), shares,
                   clicks_f.result(), purchases_f.result())


# -- one reader per table: rows -> arrays keyed by member index (id order) ----------------


def _members(store: GraphStore, page: int) -> _Members:
    """The members sorted by id: member index ``i`` is the ``i``-th id."""
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
    sorted_ids = np.array([ids[i] for i in order.tolist()], dtype=str)
    return _Members(sorted_ids, _i64(joined)[order], _i32(status)[order], _i32(tier)[order],
                    tuple(statuses), tuple(tiers))


def _referrals(store: GraphStore, ids: list[str], index: dict[str, int], page: int
               ) -> _Referrals:
    """(child index, referrer index, at) per REFERRED edge; -1 for a referrer that is
    not a member read (the assembly skips it)."""
    child: list[int] = []
    parent: list[int] = []
    at: list[int] = []
    for c, p, when in _edges(store, "snapshot_rows/referrals", ids, page):
        child.append(index[str(c)])
        parent.append(index.get(str(p), -1))
        at.append(_time(when))
    return _Referrals(_i64(child), _i64(parent), _i64(at))


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


def _shares(store: GraphStore, index: dict[str, int], page: int
            ) -> tuple[_Shares, dict[str, int]]:
    """The shares, in the order read, and share id -> row."""
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
    return (_Shares(keys(list(shares)), _i64(promoter), _i64(at), _i32(channel),
                    tuple(channels)), shares)


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


def _purchases(store: GraphStore, index: dict[str, int], shares: dict[str, int],
               page: int) -> _Purchases:
    order: list[str] = []
    buyer: list[int] = []
    promoter: list[int] = []
    share: list[int] = []
    amount: list[int] = []
    commission: list[int] = []
    status: list[int] = []
    at: list[int] = []
    entry: list[int] = []
    statuses: dict[str, int] = {}
    for (order_id, b, pr, sh, amt, com, st, when, has_product, is_entry
         ) in _unique(_pages(store, "snapshot_rows/purchases", page)):
        order.append(order_id)
        buyer.append(-1 if b is None else index[str(b)])
        promoter.append(-1 if pr is None else index[str(pr)])
        share.append(-1 if sh is None else shares[str(sh)])
        amount.append(int(amt or 0))
        commission.append(int(com or 0))
        status.append(_code(st, statuses))
        at.append(_time(when))
        entry.append(-1 if not has_product else int(bool(is_entry)))
    return _Purchases(keys(order), _i64(buyer), _i64(promoter), _i64(share), _i64(amount),
                      _i64(commission), np.array(status, dtype=np.int8), _i64(at),
                      np.array(entry, dtype=np.int8), tuple(statuses))


# -- paging --------------------------------------------------------------------------


def _pages(store: GraphStore, name: str, page: int) -> Iterator[tuple[Any, ...]]:
    """Rows of a node table (the id first), for ranges of ``page`` internal node ids from
    the smallest to the largest (``snapshot/node_range``): no sort, and no page holds
    more than ``page`` rows. Nodes made while this runs may be missed or read; the
    version read before the build says what the snapshot is of."""
    first, last = store.run("snapshot/node_range", timeout_ms=_timeout(store)).rows[0]
    for lo in range(0 if first is None else int(first), -1 if last is None else int(last) + 1,
                    page):
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


def _time(value: Any) -> int:
    return NONE if value is None else int(value)


def _code(value: Any, table: dict[str, int]) -> int:
    return -1 if value is None else table.setdefault(str(value), len(table))


def _i32(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int32)


def _i64(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)

