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
_FORMAT: Final = 2


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One data version of the graph as columns.

    Members are in preorder of the referral forest (roots and children in id order):
    member ``i``'s downline is ``[i, i + size[i])``; ``j`` is below ``i`` exactly when
    ``i < j < i + size[i]``, ``depth[j] - depth[i]`` levels down. Times are epoch ms,
    ``NONE`` where the store holds none. Purchases are sorted by promoter position
    (``-1``, none, first), so a downline's sales are one slice too; ``by_buyer`` orders
    them by buyer position the same way.
    """

    version: str
    statuses: tuple[str, ...]  # p_status codes index this
    member_statuses: tuple[str, ...]  # m_status codes index this
    tiers: tuple[str, ...]  # m_tier codes index this
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
    # purchases, sorted by promoter position
    p_buyer: np.ndarray  # int32 position, -1 for none (an outside buyer)
    p_promoter: np.ndarray  # int32 position, -1 for none
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


_TABLES: Final = ("statuses", "member_statuses", "tiers")
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


def build(store: GraphStore, *, page: int = PAGE) -> Snapshot:
    """Read the store page by page (``snapshot/members``, ``snapshot/purchases``) into columns.

    The version is read first: a load finishing while this runs makes a newer
    version, so the snapshot is never labelled newer than what it read.
    """
    version = version_of(store)
    ids: list[str] = []
    joined: list[int] = []
    referrer: list[str | None] = []
    ref_at: list[int] = []
    m_status: list[int] = []
    m_tier: list[int] = []
    member_statuses: dict[str, int] = {}
    tiers: dict[str, int] = {}
    seen: set[str] = set()
    for row in _pages(store, "snapshot/members", page):
        member = str(row["id"])
        if member in seen:
            continue
        seen.add(member)
        ids.append(member)
        joined.append(_time(row["joined_at"]))
        referrer.append(None if row["referrer"] is None else str(row["referrer"]))
        ref_at.append(_time(row["at"]))
        m_status.append(_code(row["status"], member_statuses))
        m_tier.append(_code(row["tier"], tiers))
    n = len(ids)
    index = {m: i for i, m in enumerate(ids)}
    par = np.array([-1 if r is None or r not in index else index[r] for r in referrer],
                   dtype=np.int64)
    order, parent, root, depth, size = _preorder(par)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    ids_arr = np.array(ids, dtype=str)[order] if n else np.array([], dtype="<U1")
    id_order = np.argsort(ids_arr, kind="stable").astype(np.int32)

    buyer: list[int] = []
    promoter: list[int] = []
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
        b, s = row["buyer"], row["promoter"]
        buyer.append(-1 if b is None else int(inverse[index[str(b)]]))
        promoter.append(-1 if s is None else int(inverse[index[str(s)]]))
        amount.append(int(row["amount"] or 0))
        commission.append(int(row["commission"] or 0))
        st = row["status"]
        status.append(-1 if st is None else statuses.setdefault(str(st), len(statuses)))
        when.append(_time(row["at"]))
        entry.append(-1 if not row["has_product"] else int(bool(row["entry"])))
    p_promoter = np.array(promoter, dtype=np.int32)
    by_promoter = np.argsort(p_promoter, kind="stable")
    p_buyer = np.array(buyer, dtype=np.int32)[by_promoter]
    return Snapshot(
        version=version,
        statuses=tuple(statuses),
        member_statuses=tuple(member_statuses),
        tiers=tuple(tiers),
        ids=ids_arr,
        joined_at=np.array(joined, dtype=np.int64)[order],
        ref_at=np.array(ref_at, dtype=np.int64)[order],
        parent=parent.astype(np.int32),
        root=root.astype(np.int32),
        depth=depth.astype(np.int32),
        size=size.astype(np.int32),
        id_order=id_order,
        m_status=np.array(m_status, dtype=np.int32)[order],
        m_tier=np.array(m_tier, dtype=np.int32)[order],
        p_buyer=p_buyer,
        p_promoter=p_promoter[by_promoter],
        p_amount=np.array(amount, dtype=np.int64)[by_promoter],
        p_commission=np.array(commission, dtype=np.int64)[by_promoter],
        p_status=np.array(status, dtype=np.int8)[by_promoter],
        p_at=np.array(when, dtype=np.int64)[by_promoter],
        p_entry=np.array(entry, dtype=np.int8)[by_promoter],
        by_buyer=np.argsort(p_buyer, kind="stable").astype(np.int32),
    )


def _preorder(par: np.ndarray) -> tuple[np.ndarray, ...]:
    """The forest given by parent indexes (-1: a root) in preorder, children in index order.

    Returns ``order`` (old index per preorder position) and, per position, the
    parent's position, the root's position, the depth and the subtree size.
    """
    n = len(par)
    children: list[list[int]] = [[] for _ in range(n)]
    roots = []
    for i, p in enumerate(par.tolist()):
        (roots if p < 0 else children[p]).append(i)
    order = np.empty(n, dtype=np.int64)
    parent = np.full(n, -1, dtype=np.int64)
    root = np.empty(n, dtype=np.int64)
    depth = np.empty(n, dtype=np.int64)
    size = np.ones(n, dtype=np.int64)
    k = 0
    for r in roots:
        stack = [(r, -1, 0)]
        while stack:
            node, ppos, d = stack.pop()
            order[k] = node
            parent[k] = ppos
            root[k] = k if ppos < 0 else root[ppos]
            depth[k] = d
            stack.extend((c, k, d + 1) for c in reversed(children[node]))
            k += 1
    if k != n:
        raise RefnetError(f"the referral graph is not a forest: {n - k} members sit on a cycle")
    # sizes: children come after their parents, so add up from the end
    for pos in range(n - 1, 0, -1):
        if parent[pos] >= 0:
            size[parent[pos]] += size[pos]
    return order, parent, root, depth, size


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
