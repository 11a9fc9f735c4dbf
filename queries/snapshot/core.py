"""Build, save, open and share the analytic snapshot (see the package docstring)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Final

import numpy as np

from refnet.graph.errors import RefnetError
from refnet.graph.store import GraphStore

__all__ = ["NONE", "PAGE", "Snapshot", "build", "current", "forget", "open", "save", "snapshot_dir",
           "version_of"]

NONE: Final = int(np.iinfo(np.int64).min)  # a missing time: before every instant
PAGE: Final = 100_000  # rows per paged read; the store caps a result at 1M
_META: Final = "meta.json"
_FORMAT: Final = 3


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One data version of the graph as columns.

    Members are in preorder of the referral forest (roots and children in id order):
    member ``i``'s downline is ``[i, i + size[i])``; ``j`` is below ``i`` exactly when
    ``i < j < i + size[i]``, ``depth[j] - depth[i]`` levels down. A member's forest
    parent is its earliest referral (a missing time first, then the referrer's id); the
    referral edges the forest cannot hold are the ``x_*`` table. Times are epoch ms,
    ``NONE`` where the store holds none. Purchases are sorted by promoter position
    (``-1``, none, first), so a downline's sales are one slice too; ``by_buyer`` orders
    them by buyer position the same way. Shares are sorted by promoter position, clicks
    by share, trust edges by (src, dst).
    """

    version: str
    statuses: tuple[str, ...]  # p_status codes index this
    member_statuses: tuple[str, ...]  # m_status codes index this
    tiers: tuple[str, ...]  # m_tier codes index this
    channels: tuple[str, ...]  # s_channel codes index this
    # members, in preorder
    ids: np.ndarray  # str
    joined_at: np.ndarray  # int64
    ref_at: np.ndarray  # int64: when the member's referral was made; NONE for a root
    parent: np.ndarray  # int32 position, -1 for a root
    root: np.ndarray  # int32 position of the member's forest root
    depth: np.ndarray  # int32, 0 for a root
    size: np.ndarray  # int32: the member and its whole downline
    id_order: np.ndarray  # int32: positions sorted by id (lookup by binary search)
    m_status: np.ndarray  # int32 index into member_statuses, -1 for none
    m_tier: np.ndarray  # int32 index into tiers, -1 for none
    # referral edges the forest does not hold: a member's later referrers, and the edge
    # into the smallest-id member of each referral cycle (which the forest makes a root);
    # sorted by (child, at, parent)
    x_child: np.ndarray  # int32 position
    x_parent: np.ndarray  # int32 position
    x_at: np.ndarray  # int64
    # trust edges, sorted by (src, dst); src trusts dst
    t_src: np.ndarray  # int32 position
    t_dst: np.ndarray  # int32 position
    t_weight: np.ndarray  # float64, NaN when the edge has none
    t_since: np.ndarray  # int64
    # shares, sorted by (promoter position, share id)
    s_promoter: np.ndarray  # int32 position, -1 for none
    s_at: np.ndarray  # int64
    s_channel: np.ndarray  # int32 index into channels, -1 for none
    # clicks, sorted by (share, at, viewer)
    c_share: np.ndarray  # int32 share index
    c_viewer: np.ndarray  # int32 position
    c_at: np.ndarray  # int64
    # purchases, sorted by promoter position
    p_buyer: np.ndarray  # int32 position, -1 for none (an outside buyer)
    p_promoter: np.ndarray  # int32 position, -1 for none
    p_share: np.ndarray  # int32 share index the purchase came VIA, -1 for none
    p_amount: np.ndarray  # int64 minor units (0 when missing)
    p_commission: np.ndarray  # int64 minor units (0 when missing)
    p_status: np.ndarray  # int8 index into statuses, -1 for none
    p_at: np.ndarray  # int64
    p_entry: np.ndarray  # int8: 1 an entry package, 0 another product, -1 no product
    by_buyer: np.ndarray  # int32: purchase indexes sorted by buyer position

    @property
    def members(self) -> int:
        return len(self.ids)

    def position(self, member_id: str) -> int | None:
        """The member's preorder position, or None when the snapshot does not hold it."""
        order, ids = self.id_order, self.ids
        lo, hi = 0, len(order)
        while lo < hi:  # bisect through id_order: no copy of the ids
            mid = (lo + hi) // 2
            if str(ids[order[mid]]) < member_id:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(order) and str(ids[order[lo]]) == member_id:
            return int(order[lo])
        return None

    def status_codes(self, *names: str) -> np.ndarray:
        return np.array([i for i, s in enumerate(self.statuses) if s in names], dtype=np.int8)

    def member_status(self, pos: int) -> str | None:
        code = int(self.m_status[pos])
        return None if code < 0 else self.member_statuses[code]

    def tier(self, pos: int) -> str | None:
        code = int(self.m_tier[pos])
        return None if code < 0 else self.tiers[code]

    @property
    def nbytes(self) -> int:
        """Bytes the columns take (on disk, and in memory once every page is mapped)."""
        return sum(int(getattr(self, name).nbytes) for name in _ARRAYS)


_TABLES: Final = ("statuses", "member_statuses", "tiers", "channels")
_ARRAYS: Final = tuple(f.name for f in fields(Snapshot) if f.name not in ("version", *_TABLES))


def version_of(store: GraphStore) -> str:
    """The data version (``window/version``: load runs and the latest one's change)."""
    row = store.run("window/version").single()
    loaded = "none" if row["loaded"] is None else str(int(row["loaded"]))
    return f"{int(row['loads'])}-{loaded}"


def _pages(store: GraphStore, name: str, page: int) -> Iterator[dict[str, Any]]:
    after = ""
    while True:
        rows = store.run(name, {"after": after, "limit": page}).records()
        yield from rows
        if not rows:
            return
        last = str(rows[-1]["id"])
        if last == after:  # ids must move on page to page; anything else would never end
            raise RefnetError(f"{name}: paging did not advance past {after!r}")
        after = last
        if len({str(r["id"]) for r in rows}) < page:
            return


def _time(value: Any) -> int:
    return NONE if value is None else int(value)


def _code(value: Any, table: dict[str, int]) -> int:
    return -1 if value is None else table.setdefault(str(value), len(table))


def _i32(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int32)


def _i64(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def build(store: GraphStore, *, page: int = PAGE) -> Snapshot:
    """Read the store page by page (``snapshot/members``, ``snapshot/shares``,
    ``snapshot/purchases``) into columns.

    The version is read first: a load finishing while this runs makes a newer
    version, so the snapshot is never labelled newer than what it read. Rows are read
    in id order, so member index ``i`` is the ``i``-th id; positions in preorder are
    assigned once every member is known.
    """
    version = version_of(store)
    ids: list[str] = []
    joined: list[int] = []
    m_status: list[int] = []
    m_tier: list[int] = []
    member_statuses: dict[str, int] = {}
    tiers: dict[str, int] = {}
    referrals: list[tuple[int, str, int]] = []  # (child index, referrer id, at)
    trusts: list[tuple[int, str, float, int]] = []  # (src index, dst id, weight, since)
    seen: set[str] = set()
    for row in _pages(store, "snapshot/members", page):
        member = str(row["id"])
        if member in seen:
            continue
        seen.add(member)
        i = len(ids)
        ids.append(member)
        joined.append(_time(row["joined_at"]))
        m_status.append(_code(row["status"], member_statuses))
        m_tier.append(_code(row["tier"], tiers))
        referrals.extend((i, str(p), _time(at)) for p, at in row["referrers"] if p is not None)
        trusts.extend((i, str(b), np.nan if w is None else float(w), _time(since))
                      for b, w, since in row["trusts"] if b is not None)
    n = len(ids)
    index = {m: i for i, m in enumerate(ids)}
    par, ref_at, x_child, x_parent, x_at = _first_referrals(n, referrals, index)
    for c, p in _cut_cycles(par):  # the cut edge joins the x_* table; the member is a root
        x_child.append(c)
        x_parent.append(p)
        x_at.append(int(ref_at[c]))
        ref_at[c] = NONE
    order, parent, root, depth, size = _preorder(par)
    inverse = np.empty(n, dtype=np.int64)  # member index -> preorder position
    inverse[order] = np.arange(n)
    ids_arr = np.array(ids, dtype=str)[order] if n else np.array([], dtype="<U1")

    x = np.lexsort((inverse[_i64(x_parent)], _i64(x_at), inverse[_i64(x_child)])) \
        if x_child else np.array([], dtype=np.int64)
    t_src = inverse[_i64([s for s, _, _, _ in trusts])] if trusts else _i64([])
    t_dst = inverse[_i64([index[d] for _, d, _, _ in trusts])] if trusts else _i64([])
    t = np.lexsort((t_dst, t_src))

    share_ids: list[str] = []
    s_promoter: list[int] = []
    s_at: list[int] = []
    s_channel: list[int] = []
    channels: dict[str, int] = {}
    clicks: list[tuple[int, int, int]] = []  # (share index, viewer position, at)
    seen.clear()
    for row in _pages(store, "snapshot/shares", page):
        share = str(row["id"])
        if share in seen:
            continue
        seen.add(share)
        k = len(share_ids)
        share_ids.append(share)
        p = row["promoter"]
        s_promoter.append(-1 if p is None else int(inverse[index[str(p)]]))
        s_at.append(_time(row["at"]))
        s_channel.append(_code(row["channel"], channels))
        clicks.extend((k, int(inverse[index[str(v)]]), _time(at))
                      for v, at in row["clicks"] if v is not None)
    share_index = {s: i for i, s in enumerate(share_ids)}
    # shares by (promoter position, id); share ids are read in id order already
    s_order = np.argsort(_i32(s_promoter), kind="stable")
    s_new = np.empty(len(share_ids), dtype=np.int64)
    s_new[s_order] = np.arange(len(share_ids))
    c_share = s_new[_i64([c[0] for c in clicks])] if clicks else _i64([])
    c_viewer = _i64([c[1] for c in clicks])
    c_at = _i64([c[2] for c in clicks])
    c = np.lexsort((c_viewer, c_at, c_share))

    buyer: list[int] = []
    promoter: list[int] = []
    via: list[int] = []
    amount: list[int] = []
    commission: list[int] = []
    status: list[int] = []
    when: list[int] = []
    entry: list[int] = []
    statuses: dict[str, int] = {}
    seen.clear()
    for row in _pages(store, "snapshot/purchases", page):
        order_id = str(row["id"])
        if order_id in seen:
            continue
        seen.add(order_id)
        b, s, sh = row["buyer"], row["promoter"], row["share"]
        buyer.append(-1 if b is None else int(inverse[index[str(b)]]))
        promoter.append(-1 if s is None else int(inverse[index[str(s)]]))
        via.append(-1 if sh is None else int(s_new[share_index[str(sh)]]))
        amount.append(int(row["amount"] or 0))
        commission.append(int(row["commission"] or 0))
        status.append(_code(row["status"], statuses))
        when.append(_time(row["at"]))
        entry.append(-1 if not row["has_product"] else int(bool(row["entry"])))
    p_promoter = _i32(promoter)
    by_promoter = np.argsort(p_promoter, kind="stable")
    p_buyer = _i32(buyer)[by_promoter]
    return Snapshot(
        version=version,
        statuses=tuple(statuses),
        member_statuses=tuple(member_statuses),
        tiers=tuple(tiers),
        channels=tuple(channels),
        ids=ids_arr,
        joined_at=_i64(joined)[order] if n else _i64([]),
        ref_at=ref_at[order],
        parent=parent.astype(np.int32),
        root=root.astype(np.int32),
        depth=depth.astype(np.int32),
        size=size.astype(np.int32),
        id_order=np.argsort(ids_arr, kind="stable").astype(np.int32),
        m_status=_i32(m_status)[order] if n else _i32([]),
        m_tier=_i32(m_tier)[order] if n else _i32([]),
        x_child=inverse[_i64(x_child)][x].astype(np.int32) if x_child else _i32([]),
        x_parent=inverse[_i64(x_parent)][x].astype(np.int32) if x_child else _i32([]),
        x_at=_i64(x_at)[x],
        t_src=t_src[t].astype(np.int32),
        t_dst=t_dst[t].astype(np.int32),
        t_weight=np.array([w for _, _, w, _ in trusts], dtype=np.float64)[t],
        t_since=_i64([s for _, _, _, s in trusts])[t],
        s_promoter=_i32(s_promoter)[s_order],
        s_at=_i64(s_at)[s_order],
        s_channel=_i32(s_channel)[s_order],
        c_share=c_share[c].astype(np.int32),
        c_viewer=c_viewer[c].astype(np.int32),
        c_at=c_at[c],
        p_buyer=p_buyer,
        p_promoter=p_promoter[by_promoter],
        p_share=_i32(via)[by_promoter],
        p_amount=_i64(amount)[by_promoter],
        p_commission=_i64(commission)[by_promoter],
        p_status=np.array(status, dtype=np.int8)[by_promoter],
        p_at=_i64(when)[by_promoter],
        p_entry=np.array(entry, dtype=np.int8)[by_promoter],
        by_buyer=np.argsort(p_buyer, kind="stable").astype(np.int32),
    )


def _first_referrals(n: int, referrals: list[tuple[int, str, int]], index: dict[str, int]
                     ) -> tuple[np.ndarray, np.ndarray, list[int], list[int], list[int]]:
    """Each member's forest parent and referral time: its earliest referral (a missing
    time first, then the referrer's id), as compliance has always chosen; the later
    ones become ``x_*`` edges (child, parent and at lists)."""
    par = np.full(n, -1, dtype=np.int64)
    ref_at = np.full(n, NONE, dtype=np.int64)
    best: dict[int, tuple[int, str]] = {}
    for c, p, at in referrals:
        if p in index and (c not in best or (at, p) < best[c]):
            best[c] = (at, p)
    for c, (at, p) in best.items():
        par[c], ref_at[c] = index[p], at
    x_child: list[int] = []
    x_parent: list[int] = []
    x_at: list[int] = []
    held: set[int] = set()  # two equal edges: the forest holds one, x_* the other
    for c, p, at in referrals:
        if p not in index:
            continue
        if best[c] == (at, p) and c not in held:
            held.add(c)
        else:
            x_child.append(c)
            x_parent.append(index[p])
            x_at.append(at)
    return par, ref_at, x_child, x_parent, x_at


def _cut_cycles(par: np.ndarray) -> list[tuple[int, int]]:
    """Make the parent array a forest: in each referral cycle, the member with the
    smallest index becomes a root. Returns the (child, parent) edges cut. The loader
    refuses cycles; only writes that bypass it leave one, so this loop is rare."""
    reached = _reached(par)
    cut: list[tuple[int, int]] = []
    while not reached.all():
        v = int(np.flatnonzero(~reached)[0])
        path: dict[int, None] = {}
        while v not in path:  # follow the referrers until one repeats: that is the cycle
            path[v] = None
            v = int(par[v])
        cycle = list(path)[list(path).index(v):]
        c = min(cycle)
        cut.append((c, int(par[c])))
        par[c] = -1
        reached = _reached(par)
    return cut


def _reached(par: np.ndarray) -> np.ndarray:
    """Which members a root reaches by following referrals down."""
    reached = par < 0
    frontier = reached.copy()
    kids = np.flatnonzero(~reached)
    while frontier.any():
        new = kids[frontier[par[kids]] & ~reached[kids]]
        reached[new] = True
        frontier = np.zeros_like(reached)
        frontier[new] = True
    return reached


def _preorder(par: np.ndarray) -> tuple[np.ndarray, ...]:
    """The forest given by parent indexes (-1: a root) in preorder, children in index order.

    Returns ``order`` (old index per preorder position) and, per position, the
    parent's position, the root's position, the depth and the subtree size. Vectorised
    level by level (a few numpy passes per level of the deepest tree): children are
    grouped by parent (a stable sort keeps index order), sizes add up from the deepest
    level, and a child's position is its parent's plus one plus the sizes of its
    earlier siblings.
    """
    n = len(par)
    par = np.asarray(par, dtype=np.int64)
    is_root = par < 0
    kids = np.flatnonzero(~is_root)
    by_parent = kids[np.argsort(par[kids], kind="stable")]
    counts = np.bincount(par[kids], minlength=n) if n else np.zeros(0, dtype=np.int64)
    first = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=first[1:])
    levels: list[np.ndarray] = []
    frontier = np.flatnonzero(is_root)
    while frontier.size:
        levels.append(frontier)
        c = counts[frontier]
        total = int(c.sum())
        if not total:
            break
        # the children of every frontier member: their ranges of by_parent, concatenated
        starts = np.repeat(first[frontier] - np.cumsum(c) + c, c)
        frontier = by_parent[starts + np.arange(total)]
    if sum(len(level) for level in levels) != n:
        reached = sum(len(level) for level in levels)
        raise RefnetError(f"the referral graph is not a forest: {n - reached} members "
                          "sit on a cycle or below one")
    size = np.ones(n, dtype=np.int64)
    for level in reversed(levels[1:]):
        size += np.bincount(par[level], weights=size[level], minlength=n).astype(np.int64)
    # earlier siblings' sizes: an exclusive running sum within each parent's group
    sib = size[by_parent]
    before = np.cumsum(sib) - sib
    offset = np.empty(n, dtype=np.int64)
    offset[by_parent] = before - before[first[par[by_parent]]] if len(by_parent) else 0
    roots = levels[0] if levels else np.zeros(0, dtype=np.int64)
    pos = np.empty(n, dtype=np.int64)
    pos[roots] = np.cumsum(size[roots]) - size[roots]
    top = np.empty(n, dtype=np.int64)
    top[roots] = roots
    dep = np.empty(n, dtype=np.int64)
    dep[roots] = 0
    for d, level in enumerate(levels[1:], start=1):
        pos[level] = pos[par[level]] + 1 + offset[level]
        top[level] = top[par[level]]
        dep[level] = d
    order = np.empty(n, dtype=np.int64)
    order[pos] = np.arange(n)
    parent = np.where(is_root, -1, pos[np.maximum(par, 0)])[order]
    return order, parent, pos[top][order], dep[order], size[order]


def save(snapshot: Snapshot, directory: str | os.PathLike[str]) -> Path:
    """Write the snapshot as one ``.npy`` per column and ``meta.json`` into ``directory``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for name in _ARRAYS:
        np.save(out / f"{name}.npy", getattr(snapshot, name), allow_pickle=False)
    meta = {"format": _FORMAT, "version": snapshot.version,
            **{t: list(getattr(snapshot, t)) for t in _TABLES},
            "members": snapshot.members, "purchases": len(snapshot.p_at)}
    (out / _META).write_text(json.dumps(meta), encoding="utf-8")
    return out


def open(directory: str | os.PathLike[str]) -> Snapshot:
    """Map a saved snapshot (read-only, shared by every process that maps it)."""
    src = Path(directory)
    meta = json.loads((src / _META).read_text(encoding="utf-8"))
    if meta.get("format") != _FORMAT:
        raise RefnetError(f"snapshot {src} has format {meta.get('format')!r}, "
                          f"expected {_FORMAT}: rebuild it")
    arrays = {name: np.load(src / f"{name}.npy", mmap_mode="r", allow_pickle=False)
              for name in _ARRAYS}
    return Snapshot(version=meta["version"], **{t: tuple(meta[t]) for t in _TABLES}, **arrays)


def snapshot_dir(store: GraphStore, data_dir: str | os.PathLike[str], version: str) -> Path:
    # the format in the path: a snapshot of an older format is rebuilt, never misread
    return Path(data_dir) / "snapshots" / store.config.graph / f"f{_FORMAT}" / version


_mapped: dict[tuple[str, ...], Snapshot] = {}
_mapped_lock = threading.Lock()


def current(store: GraphStore, data_dir: str | os.PathLike[str]) -> Snapshot:
    """The snapshot of the store's current data version: mapped when saved, else built.

    A build is written to a temporary directory beside its place and renamed into it,
    so a reader sees a whole snapshot or none; when two processes build at once, the
    first rename wins and the other maps the winner's. A data dir that cannot be
    written keeps the built snapshot in this process only. Each process keeps the
    snapshots it has mapped per data version (``forget`` drops them).
    """
    version = version_of(store)
    key = (store.backend, str(data_dir), str(store.config.neo4j_uri), store.config.graph,
           version)
    with _mapped_lock:
        if key in _mapped:
            return _mapped[key]
    snap = _current(store, data_dir, version)
    with _mapped_lock:
        if len(_mapped) >= 8:
            _mapped.clear()
        _mapped[(*key[:-1], snap.version)] = snap
    return snap


def forget() -> None:
    """Drop the snapshots this process keeps (the files stay)."""
    with _mapped_lock:
        _mapped.clear()


def _current(store: GraphStore, data_dir: str | os.PathLike[str], version: str) -> Snapshot:
    target = snapshot_dir(store, data_dir, version)
    if (target / _META).is_file():
        return open(target)
    snap = build(store)
    target = snapshot_dir(store, data_dir, snap.version)
    if (target / _META).is_file():
        return open(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{uuid.uuid4().hex[:8]}.",
                                    dir=target.parent))
    except OSError:
        return snap  # a read-only data dir: answer from memory
    try:
        save(snap, tmp)
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / _META).is_file():
                raise
    except OSError:
        return snap  # the disk is full or the dir turned read-only: answer from memory
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return open(target)
