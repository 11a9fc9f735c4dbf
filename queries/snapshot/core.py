"""Save, open and share the analytic snapshot: one ``.npy`` per column under the data
dir, mapped read-only by every process (see the package docstring)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Final

import numpy as np

from refnet.graph.errors import RefnetError
from refnet.graph.store import GraphStore

from .build import build
from .columns import ARRAYS, TABLES, Snapshot, version_of
from .update import SHARE, Touched, update

__all__ = ["current", "forget", "open", "save", "snapshot_dir", "touched_from"]

_META: Final = "meta.json"
_FORMAT: Final = 5  # 5: share and order ids (s_key, p_key)


def save(snapshot: Snapshot, directory: str | os.PathLike[str]) -> Path:
    """Write the snapshot as one ``.npy`` per column and ``meta.json`` into ``directory``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for name in ARRAYS:
        np.save(out / f"{name}.npy", getattr(snapshot, name), allow_pickle=False)
    meta = {"format": _FORMAT, "version": snapshot.version, "latest": snapshot.latest,
            **{t: list(getattr(snapshot, t)) for t in TABLES},
            "members": snapshot.members, "purchases": len(snapshot.p_at),
            "rows": sum(len(getattr(snapshot, c)) for c in ("ids", "t_src", "s_at", "c_at",
                                                            "p_at"))}
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
              for name in ARRAYS}
    return Snapshot(version=meta["version"], latest=meta["latest"],
                    **{t: tuple(meta[t]) for t in TABLES}, **arrays, home=str(src))


def snapshot_dir(store: GraphStore, data_dir: str | os.PathLike[str], version: str) -> Path:
    # the format in the path: a snapshot of an older format is rebuilt, never misread
    return Path(data_dir) / "snapshots" / store.config.graph / f"f{_FORMAT}" / version


_mapped: dict[tuple[str, ...], Snapshot] = {}
_mapped_lock = threading.Lock()


def touched_from(store: GraphStore, data_dir: str | os.PathLike[str]) -> Touched | None:
    """A record for a load about to start of what it touches, when the store's current
    version has a saved snapshot that the load's can be updated from; None otherwise
    (the load's snapshot is then built in full)."""
    version = version_of(store)
    try:
        meta = json.loads((snapshot_dir(store, data_dir, version) / _META).read_text("utf-8"))
        rows = int(meta["rows"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Touched(version, max(int(rows * SHARE), 1_000))


def current(store: GraphStore, data_dir: str | os.PathLike[str], *,
            rebuild: bool = False, touched: Touched | None = None) -> Snapshot:
    """The snapshot of the store's current data version: mapped when saved, else built.

    A build is written to a temporary directory beside its place and renamed into it,
    so a reader sees a whole snapshot or none; when two processes build at once, the
    first rename wins and the other maps the winner's. Once a new version is in place
    the older versions' directories are removed (a process that still maps one keeps
    its pages until it lets go). A data dir that cannot be written keeps the built
    snapshot in this process only. Each process keeps the snapshots it has mapped per
    data version (``forget`` drops them). ``rebuild`` builds afresh even when the
    version has a snapshot: for writes that bypassed the loader and so made no new
    version. ``touched`` (what the load that made this version placed: ``touched_from``)
    lets the snapshot be updated from the one before the load instead of built in full.
    """
    version = version_of(store)
    key = (store.backend, str(data_dir), str(store.config.neo4j_uri), store.config.graph,
           version)
    with _mapped_lock:
        if rebuild:
            _mapped.clear()
        elif key in _mapped:
            return _mapped[key]
    snap = _current(store, data_dir, version, rebuild, touched)
    with _mapped_lock:
        if len(_mapped) >= 8:
            _mapped.clear()
        _mapped[(*key[:-1], snap.version)] = snap
    return snap


def forget() -> None:
    """Drop the snapshots this process keeps (the files stay)."""
    with _mapped_lock:
        _mapped.clear()


def _current(store: GraphStore, data_dir: str | os.PathLike[str], version: str,
             rebuild: bool, touched: Touched | None) -> Snapshot:
    target = snapshot_dir(store, data_dir, version)
    if not rebuild and (target / _META).is_file():
        return open(target)
    snap = _updated(store, data_dir, touched) if touched and not rebuild else build(store)
    target = snapshot_dir(store, data_dir, snap.version)
    if not rebuild and (target / _META).is_file():
        return open(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{uuid.uuid4().hex[:8]}.",
                                    dir=target.parent))
    except OSError:
        return snap  # a read-only data dir: answer from memory
    try:
        save(snap, tmp)
        if rebuild and target.exists():  # move the stale one aside: renames are atomic
            os.rename(target, tmp.with_name(f"{tmp.name}.stale"))
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / _META).is_file():
                raise
    except OSError:
        return snap  # the disk is full or the dir turned read-only: answer from memory
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(target)
    return open(target)


def _updated(store: GraphStore, data_dir: str | os.PathLike[str], touched: Touched) -> Snapshot:
    """The load's snapshot updated from the one it started from; built in full when that
    one is gone (pruned by a newer version) or unreadable."""
    try:
        old = open(snapshot_dir(store, data_dir, touched.base))
    except (OSError, ValueError, KeyError, RefnetError):
        return build(store)
    return update(old, store, touched)


def _prune(keep: Path) -> None:
    """Remove the directories of versions older than ``keep`` beside it, and what builds
    that died left (temporary directories over an hour old); a newer version another
    process has just saved stays."""
    now = _order(keep.name)
    for other in keep.parent.iterdir():
        if other == keep or not other.is_dir():
            continue
        if other.name.startswith("."):
            old = other.name.endswith(".stale") or time.time() - other.stat().st_mtime > 3600
        else:
            old = _order(other.name) < now
        if old:
            shutil.rmtree(other, ignore_errors=True)


def _order(version: str) -> tuple[int, int]:
    """A version's place in time: load runs, then the latest one's change (``version_of``)."""
    loads, _, loaded = version.partition("-")
    try:
        return int(loads), -1 if loaded == "none" else int(loaded)
    except ValueError:
        return -1, -1  # not a version this code wrote
