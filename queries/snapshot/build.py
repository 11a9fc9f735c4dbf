"""Read the store into the snapshot's columns: paged, flat reads through the store protocol.

Every table is read in ranges of internal node ids (``snapshot/last_node``): node
tables (``snapshot/members``, ``snapshot/shares``, ``snapshot/purchases``) range over
their nodes, edge tables (``snapshot/referrals``, ``snapshot/trust``,
``snapshot/clicks``) over the edges' start members; a label-and-id scan with no sort (a
page ordered by id sorted the rest of the table every time), and never a string range
(FalkorDB's index answers one with an upper bound wrongly). Edge ends come back as
internal node ids and are mapped to member and share rows a column at a time
(``_Nodes``), not as ids looked up a row at a time. Flat rows, one per node or edge: an
aggregation per page (collecting each member's edges) cost the server twice as much.
Reads come as columns (``GraphStore.columns``), which the embedded store builds without
a Python call per value; two or three reads at once overlap one's parsing with
another's server time. At 100,000 members on a busy 2-core machine this read took 16-22 s
a row at a time with id strings, and about a third of that now (interleaved runs).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from refnet.graph.errors import ResultTooLarge
from refnet.graph.store import GraphStore

from .columns import NONE, Snapshot, version_of
from .forest import cut_cycles, first_referrals, preorder

__all__ = ["PAGE", "build"]

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
        referrals_f = pool.submit(_referrals, store, members, page)
        trust_f = pool.submit(_trust, store, members, page)
        shares_f = pool.submit(_shares, store, members, page)
        shares = shares_f.result()
        clicks_f = pool.submit(_clicks, store, members, shares, page)
        purchases_f = pool.submit(_purchases, store, members, shares, page)
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


# -- one reader per table: columns -> arrays keyed by member index (id order) -------------


@dataclass(frozen=True)
class _Nodes:
    """Internal node id -> table row. Edge ends are read as node ids, integers that are
    cheap to send and are mapped a whole column at a time, not as ids (text, and a dict
    lookup a row)."""

    node: np.ndarray  # sorted
    row: np.ndarray  # the row of each node

    @classmethod
    def of(cls, node: np.ndarray, row: np.ndarray) -> _Nodes:
        order = np.argsort(node, kind="stable")
        return cls(node[order], row[order])

    def rows(self, node: np.ndarray) -> np.ndarray:
        """Each node's row; -1 for none (a null) or a node not read (made later)."""
        if not len(self.node):
            return np.full(len(node), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.node, node), len(self.node) - 1)
        return np.where(self.node[at] == node, self.row[at], -1)


@dataclass
class _Members:
    ids: list[str]
    joined_at: np.ndarray
    status: np.ndarray
    tier: np.ndarray
    statuses: tuple[str, ...]
    tiers: tuple[str, ...]
    nodes: _Nodes  # internal node id -> member index


def _members(store: GraphStore, page: int) -> _Members:
    """The members sorted by id: member index ``i`` is the ``i``-th id, so children come
    in id order in the preorder."""
    cols = _read(store, "snapshot/members", page)
    ids, first, index = _first(cols["id"])
    statuses: dict[str, int] = {}
    tiers: dict[str, int] = {}
    return _Members(ids.tolist(), _ints(cols["joined_at"], NONE)[first],
                    _coded(cols["status"], first, statuses),
                    _coded(cols["tier"], first, tiers), tuple(statuses), tuple(tiers),
                    _Nodes.of(_ints(cols["node"], -1), index))


def _referrals(store: GraphStore, members: _Members, page: int) -> list[tuple[int, str, int]]:
    """(child index, referrer id, at) per REFERRED edge between members read."""
    cols = _read(store, "snapshot/referrals", page)
    child = members.nodes.rows(_ints(cols["child"], -1))
    referrer = members.nodes.rows(_ints(cols["referrer"], -1))
    keep = (child >= 0) & (referrer >= 0)
    ids = members.ids
    return [(c, ids[p], at) for c, p, at in zip(
        child[keep].tolist(), referrer[keep].tolist(), _ints(cols["at"], NONE)[keep].tolist(),
        strict=True)]


@dataclass
class _Trust:
    src: np.ndarray  # member index
    dst: np.ndarray
    weight: np.ndarray
    since: np.ndarray


def _trust(store: GraphStore, members: _Members, page: int) -> _Trust:
    cols = _read(store, "snapshot/trust", page)
    src = members.nodes.rows(_ints(cols["src"], -1))
    dst = members.nodes.rows(_ints(cols["dst"], -1))
    keep = (src >= 0) & (dst >= 0)
    weight = np.array(cols["weight"], dtype=np.float64)  # a null is NaN
    return _Trust(src[keep], dst[keep], weight[keep], _ints(cols["since"], NONE)[keep])


@dataclass
class _Shares:
    index: dict[str, int]  # share id -> row, in the order read
    promoter: np.ndarray  # member index, -1 for none
    at: np.ndarray
    channel: np.ndarray
    channels: tuple[str, ...]
    nodes: _Nodes  # internal node id -> share row


def _shares(store: GraphStore, members: _Members, page: int) -> _Shares:
    cols = _read(store, "snapshot/shares", page)
    node = _ints(cols["node"], -1)
    read = _once(node)  # a second promoter (none in the model) is dropped
    channels: dict[str, int] = {}
    return _Shares(dict(zip(map(str, map(cols["id"].__getitem__, read.tolist())),
                            range(len(read)), strict=True)),
                   members.nodes.rows(_ints(cols["promoter"], -1)[read]),
                   _ints(cols["at"], NONE)[read], _coded(cols["channel"], read, channels),
                   tuple(channels), _Nodes.of(node[read], np.arange(len(read))))


@dataclass
class _Clicks:
    share: np.ndarray  # share row
    viewer: np.ndarray  # member index
    at: np.ndarray


def _clicks(store: GraphStore, members: _Members, shares: _Shares, page: int) -> _Clicks:
    cols = _read(store, "snapshot/clicks", page)
    viewer = members.nodes.rows(_ints(cols["viewer"], -1))
    share = shares.nodes.rows(_ints(cols["share"], -1))
    keep = (viewer >= 0) & (share >= 0)
    return _Clicks(share[keep], viewer[keep], _ints(cols["at"], NONE)[keep])


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


def _purchases(store: GraphStore, members: _Members, shares: _Shares, page: int
               ) -> _Purchases:
    cols = _read(store, "snapshot/purchases", page)
    read = _once(_ints(cols["node"], -1))
    has_product = np.array([bool(v) for v in cols["has_product"]], dtype=bool)[read]
    entry = np.array([bool(v) for v in cols["entry"]], dtype=np.int8)[read]
    statuses: dict[str, int] = {}
    return _Purchases(
        members.nodes.rows(_ints(cols["buyer"], -1)[read]),
        members.nodes.rows(_ints(cols["promoter"], -1)[read]),
        shares.nodes.rows(_ints(cols["share"], -1)[read]),
        _ints([v or 0 for v in cols["amount"]], 0)[read],
        _ints([v or 0 for v in cols["commission"]], 0)[read],
        _coded(cols["status"], read, statuses).astype(np.int8),
        _ints(cols["at"], NONE)[read],
        np.where(has_product, entry, np.int8(-1)).astype(np.int8),
        tuple(statuses))


# -- reading ---------------------------------------------------------------------------


def _read(store: GraphStore, name: str, page: int) -> dict[str, list[Any]]:
    """A table as columns, read for ranges of ``page`` internal node ids up to the largest
    (``snapshot/last_node``): a node table ranges over its nodes, an edge table over the
    edges' start nodes, so each row is read once, with no sort, no id list to send and
    no string range (FalkorDB's index answers one with an upper bound wrongly). A range
    whose rows pass the store's row cap is halved until each half fits. There is always
    one range, so an empty store still names the columns. Nodes made while this runs may
    be missed or read; the version read before the build says what the snapshot is of."""
    last = store.run("snapshot/last_node", timeout_ms=_timeout(store)).scalar()
    todo = [(lo, lo + page) for lo in range(0, 1 if last is None else int(last) + 1, page)]
    table: dict[str, list[Any]] = {}
    while todo:
        lo, hi = todo.pop(0)
        try:
            part = store.columns(name, {"lo": lo, "hi": hi}, timeout_ms=_timeout(store))
        except ResultTooLarge:
            if hi - lo < 2:
                raise
            mid = (lo + hi) // 2
            todo[:0] = [(lo, mid), (mid, hi)]
            continue
        for column, values in part.items():
            table.setdefault(column, []).extend(values)
    return table


def _once(node: np.ndarray) -> np.ndarray:
    """The row each node is first read in, in the order read: a node that an OPTIONAL
    MATCH found two matches for (a second promoter, none in the model) counts once.
    Node ids, not the ids they hold: those are unique (a constraint), ints cheaper."""
    return np.sort(np.unique(node, return_index=True)[1])


def _first(ids: list[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ids (as text) once each, sorted; the row each is first read in; and each
    row's position among them. Two nodes holding one id (a member deleted and made
    again while the build reads) count once, as the first."""
    unique, first, index = np.unique(np.array(ids, dtype=str), return_index=True,
                                     return_inverse=True)
    return unique, first, index


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


def _ints(values: list[Any], none: int) -> np.ndarray:
    """A column of integers as int64, ``none`` for a null: one C call when none is null."""
    try:
        return np.array(values, dtype=np.int64)
    except TypeError:
        return np.array([none if v is None else int(v) for v in values], dtype=np.int64)


def _coded(values: list[Any], rows: np.ndarray, table: dict[str, int]) -> np.ndarray:
    """``values`` at ``rows`` as codes into ``table`` (-1 for a null), a new text taking
    the next code in the order the rows were read."""
    codes = np.full(len(values), -1, dtype=np.int32)
    read = np.sort(rows)
    codes[read] = [-1 if v is None else table.setdefault(str(v), len(table))
                   for v in map(values.__getitem__, read.tolist())]
    return codes[rows]


def _i64(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)
