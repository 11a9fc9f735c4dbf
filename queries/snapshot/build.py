"""Read the store into the snapshot's columns: paged, flat reads through the store protocol.

Every table is read in ranges of internal node ids (``snapshot/node_range``): node
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

``read`` gives the tables keyed by member index (``Raw``), ``assemble`` turns them into
the snapshot (one assembly, whatever order rows come in). ``update.update`` reads the
keys one load touched by id lists (``read_ids``) through the same table parsers, with
edge ends as ids (text) instead of node ids: the older snapshot it starts from knows no
node ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from refnet.graph.errors import ResultTooLarge
from refnet.graph.store import GraphStore

from .columns import NONE, Snapshot, version_of
from .forest import NotAForest, cut_cycles, first_referrals, lexorder, preorder

__all__ = ["PAGE", "Raw", "assemble", "build", "keys", "read", "read_ids"]

PAGE: Final = 100_000  # rows (or members, for edges) per paged read; the store caps a result at 1M
_READERS: Final = 3  # reads at once

# A column of edge ends (node ids in a build, ids as text in an update) -> the rows they
# name, -1 for a null or an end not among the rows read.
Ends = Callable[[list[Any]], np.ndarray]


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
    with ThreadPoolExecutor(_READERS, thread_name_prefix="snapshot") as pool:
        referrals_f = pool.submit(_referrals, store, members, page)
        trust_f = pool.submit(_trust, store, members, page)
        shares_f = pool.submit(_shares, store, members, page)
        shares = shares_f.result()
        clicks_f = pool.submit(_clicks, store, members, shares, page)
        purchases_f = pool.submit(_purchases, store, members, shares, page)
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


# -- one reader per table: columns -> arrays keyed by member index (id order) -------------
#
# Each table has a reader for the build (``_members`` ...: ranges of node ids, ends as
# node ids) and a parser of its columns (``member_table`` ...) that ``update`` shares,
# handing over its own ``Ends`` (ids as text).


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

    @classmethod
    def empty(cls) -> _Nodes:
        return cls(np.array([], dtype=np.int64), np.array([], dtype=np.int64))

    def rows(self, node: np.ndarray) -> np.ndarray:
        """Each node's row; -1 for none (a null) or a node not read (made later)."""
        if not len(self.node):
            return np.full(len(node), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.node, node), len(self.node) - 1)
        return np.where(self.node[at] == node, self.row[at], -1)

    def ends(self, values: list[Any]) -> np.ndarray:
        """``rows`` of a column of node ids as read (``Ends``)."""
        return self.rows(_ints(values, -1))


@dataclass
class _Members:
    ids: np.ndarray  # sorted (text)
    joined_at: np.ndarray
    status: np.ndarray
    tier: np.ndarray
    statuses: tuple[str, ...]
    tiers: tuple[str, ...]
    nodes: _Nodes = field(default_factory=_Nodes.empty)  # internal node id -> member index


def _members(store: GraphStore, page: int) -> _Members:
    return member_table(_read(store, "snapshot/members", page))


def member_table(cols: dict[str, list[Any]]) -> _Members:
    """The members sorted by id: member index ``i`` is the ``i``-th id, so children come
    in id order in the preorder."""
    ids, first, index = _first(cols["id"])
    statuses: dict[str, int] = {}
    tiers: dict[str, int] = {}
    return _Members(ids, _ints(cols["joined_at"], NONE)[first],
                    _coded(cols["status"], first, statuses),
                    _coded(cols["tier"], first, tiers), tuple(statuses), tuple(tiers),
                    _Nodes.of(_ints(cols["node"], -1), index))


@dataclass
class _Referrals:
    child: np.ndarray  # member index
    parent: np.ndarray  # member index, -1 for a referrer not among the members read
    at: np.ndarray


def _referrals(store: GraphStore, members: _Members, page: int) -> _Referrals:
    return referral_table(_read(store, "snapshot/referrals", page), members.nodes.ends)


def referral_table(cols: dict[str, list[Any]], members: Ends) -> _Referrals:
    """One row per REFERRED edge between members read."""
    child = members(cols["child"])
    referrer = members(cols["referrer"])
    keep = (child >= 0) & (referrer >= 0)
    return _Referrals(child[keep], referrer[keep], _ints(cols["at"], NONE)[keep])


@dataclass
class _Trust:
    src: np.ndarray  # member index
    dst: np.ndarray
    weight: np.ndarray
    since: np.ndarray


def _trust(store: GraphStore, members: _Members, page: int) -> _Trust:
    return trust_table(_read(store, "snapshot/trust", page), members.nodes.ends)


def trust_table(cols: dict[str, list[Any]], members: Ends) -> _Trust:
    src = members(cols["src"])
    dst = members(cols["dst"])
    keep = (src >= 0) & (dst >= 0)
    weight = np.array(cols["weight"], dtype=np.float64)  # a null is NaN
    return _Trust(src[keep], dst[keep], weight[keep], _ints(cols["since"], NONE)[keep])


@dataclass
class _Shares:
    key: np.ndarray  # share id (UTF-8 bytes) per row
    promoter: np.ndarray  # member index, -1 for none
    at: np.ndarray
    channel: np.ndarray
    channels: tuple[str, ...]
    nodes: _Nodes = field(default_factory=_Nodes.empty)  # internal node id -> share row


def _shares(store: GraphStore, members: _Members, page: int) -> _Shares:
    return share_table(_read(store, "snapshot/shares", page), members.nodes.ends)


def share_table(cols: dict[str, list[Any]], members: Ends) -> _Shares:
    """One row per share, in the order read."""
    node = _ints(cols["node"], -1)
    read = _once(node)  # a second promoter (none in the model) is dropped
    channels: dict[str, int] = {}
    return _Shares(keys([str(cols["id"][i]) for i in read.tolist()]),
                   members(cols["promoter"])[read],
                   _ints(cols["at"], NONE)[read], _coded(cols["channel"], read, channels),
                   tuple(channels), _Nodes.of(node[read], np.arange(len(read))))


@dataclass
class _Clicks:
    share: np.ndarray  # share row
    viewer: np.ndarray  # member index
    at: np.ndarray


def _clicks(store: GraphStore, members: _Members, shares: _Shares, page: int) -> _Clicks:
    return click_table(_read(store, "snapshot/clicks", page), members.nodes.ends,
                       shares.nodes.ends)


def click_table(cols: dict[str, list[Any]], members: Ends, shares: Ends) -> _Clicks:
    viewer = members(cols["viewer"])
    share = shares(cols["share"])
    keep = (viewer >= 0) & (share >= 0)
    return _Clicks(share[keep], viewer[keep], _ints(cols["at"], NONE)[keep])


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


def _purchases(store: GraphStore, members: _Members, shares: _Shares, page: int
               ) -> _Purchases:
    return purchase_table(_read(store, "snapshot/purchases", page), members.nodes.ends,
                          shares.nodes.ends)


def purchase_table(cols: dict[str, list[Any]], members: Ends, shares: Ends) -> _Purchases:
    """One row per purchase (node), in the order read."""
    read = _once(_ints(cols["node"], -1))
    has_product = np.array([bool(v) for v in cols["has_product"]], dtype=bool)[read]
    entry = np.array([bool(v) for v in cols["entry"]], dtype=np.int8)[read]
    statuses: dict[str, int] = {}
    return _Purchases(
        keys([str(cols["id"][i]) for i in read.tolist()]),
        members(cols["buyer"])[read],
        members(cols["promoter"])[read],
        shares(cols["share"])[read],
        _ints([v or 0 for v in cols["amount"]], 0)[read],
        _ints([v or 0 for v in cols["commission"]], 0)[read],
        _coded(cols["status"], read, statuses).astype(np.int8),
        _ints(cols["at"], NONE)[read],
        np.where(has_product, entry, np.int8(-1)).astype(np.int8),
        tuple(statuses))


# -- reading ---------------------------------------------------------------------------


def _read(store: GraphStore, name: str, page: int) -> dict[str, list[Any]]:
    """A table as columns, read for ranges of ``page`` internal node ids from the
    smallest to the largest (``snapshot/node_range``): a node table ranges over its
    nodes, an edge table over the edges' start nodes, so each row is read once, with no
    sort, no id list to send and no string range (FalkorDB's index answers one with an
    upper bound wrongly). A range whose rows pass the store's row cap is halved until
    each half fits. There is always one range, so an empty store still names the
    columns. Nodes made while this runs may be missed or read; the version read before
    the build says what the snapshot is of."""
    parts = [(lo, lo + page) for lo in node_range(store, page)]
    return _columns(store, name, parts, lambda lo, hi: {"lo": lo, "hi": hi})


def node_range(store: GraphStore, page: int) -> range:
    """The start of each range of ``page`` node ids that holds the store's nodes (one
    range, from 0, in an empty store)."""
    first, last = store.run("snapshot/node_range", timeout_ms=_timeout(store)).rows[0]
    if last is None:
        return range(0, 1, page)
    return range(int(first), int(last) + 1, page)


def read_ids(store: GraphStore, name: str, ids: Sequence[str], page: int = PAGE
             ) -> dict[str, list[Any]]:
    """A table as columns for the keys ``ids`` (``UNWIND $ids``, an index lookup each),
    ``page`` ids a read: what ``update`` reads again of the keys a load touched. Halved
    under the row cap as ``_read``; always one read, so no ids still name the columns."""
    parts = [(k, min(k + page, len(ids))) for k in range(0, max(len(ids), 1), page)]
    return _columns(store, name, parts, lambda first, last: {"ids": list(ids[first:last])})


def _columns(store: GraphStore, name: str, parts: list[tuple[int, int]],
             params: Callable[[int, int], dict[str, Any]]) -> dict[str, list[Any]]:
    """The columns of ``name`` read for each part (``params`` of its bounds), joined; a
    part whose rows pass the store's row cap is halved until each half fits."""
    table: dict[str, list[Any]] = {}
    while parts:
        lo, hi = parts.pop(0)
        try:
            part = store.columns(name, params(lo, hi), timeout_ms=_timeout(store))
        except ResultTooLarge:
            if hi - lo < 2:
                raise
            mid = (lo + hi) // 2
            parts[:0] = [(lo, mid), (mid, hi)]
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
    return unique, first, index.reshape(-1)


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


def _ints(values: list[Any], none: int) -> np.ndarray:
    """A column of integers as int64, ``none`` for a null: one C call when none is null."""
    try:
        return np.array(values, dtype=np.int64)
    except TypeError:
        return np.array([none if v is None else int(v) for v in values], dtype=np.int64)


def _coded(values: list[Any], rows: np.ndarray, table: dict[str, int]) -> np.ndarray:
    """``values`` at ``rows`` as codes into ``table`` (-1 for a null), a new text taking
    the next code in the order the rows were read (``assemble`` sorts the tables)."""
    codes = np.full(len(values), -1, dtype=np.int32)
    read = np.sort(rows)
    codes[read] = [-1 if v is None else table.setdefault(str(v), len(table))
                   for v in map(values.__getitem__, read.tolist())]
    return codes[rows]
