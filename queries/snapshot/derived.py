"""Arrays a question works out from a snapshot once and shares like its columns.

Some questions need facts that no window changes (conversion's events in time order
with each one's trust bucket, each position's place in id order) and cost a second or
more to work out at a million members. Kept per process, every API worker would pay
that time on its first click and hold its own copy; kept here, the first process to
ask writes them beside the snapshot's columns (``<snapshot>/derived/<name>/``, one
``.npy`` per array, written to a temporary directory and renamed), and every process
maps the same pages read-only. A snapshot that was never saved (built in memory, or a
data dir that cannot be written) keeps them in the process.

A name says what the arrays are and the version of the code that computes them
(``"conversion.facts.1"``): a change to that code takes a new name, so arrays saved
by older code are never read as new ones. They go with their snapshot's directory.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

import numpy as np

from .columns import Snapshot

__all__ = ["buyers_sorted", "derived", "id_rank"]

Arrays = dict[str, np.ndarray]

_KEY: Final = re.compile(r"[a-z][a-z0-9_]*")
_NAME: Final = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")
_kept: weakref.WeakKeyDictionary[Snapshot, dict[str, Arrays]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def derived(snap: Snapshot, name: str,
            compute: Callable[[Snapshot], Mapping[str, np.ndarray]]) -> Arrays:
    """The arrays ``compute(snap)`` returns, worked out once per snapshot and shared.

    Mapped from ``<snapshot>/derived/<name>/`` when a process saved them, else
    computed, saved there (when the snapshot has a directory that can be written) and
    mapped; when two processes compute at once, the first rename wins.
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"a derived name is dotted lowercase words, got {name!r}")
    with _lock:
        got = _kept.get(snap, {}).get(name)
    if got is not None:
        return got
    home = None if snap.home is None else Path(snap.home) / "derived" / name
    arrays = _load(home) if home is not None and home.is_dir() else None
    if arrays is None:
        arrays = {k: np.asarray(v) for k, v in compute(snap).items()}
        for key in arrays:
            if not _KEY.fullmatch(key):
                raise ValueError(f"a derived array's name is a lowercase word, got {key!r}")
        if home is not None:
            arrays = _save(arrays, home) or arrays
    with _lock:
        return _kept.setdefault(snap, {}).setdefault(name, arrays)


def id_rank(snap: Snapshot) -> np.ndarray:
    """Each position's place in id order (ties between members break on the id)."""
    return derived(snap, "snapshot.id_rank.1", _id_rank)["rank"]


def buyers_sorted(snap: Snapshot) -> np.ndarray:
    """Each purchase's buyer position in ``by_buyer`` order (a gather over every
    purchase, which a small team's answer should not pay each time): a downline's own
    purchases are then one ``searchsorted`` range of ``by_buyer``."""
    return derived(snap, "snapshot.buyers_sorted.1", _buyers_sorted)["buyer"]


def _buyers_sorted(snap: Snapshot) -> Arrays:
    return {"buyer": np.asarray(snap.p_buyer)[snap.by_buyer]}


def _id_rank(snap: Snapshot) -> Arrays:
    rank = np.empty(snap.members, dtype=np.int32)
    rank[np.asarray(snap.id_order)] = np.arange(snap.members, dtype=np.int32)
    return {"rank": rank}


def _load(home: Path) -> Arrays | None:
    try:
        return {f.stem: np.load(f, mmap_mode="r", allow_pickle=False)
                for f in home.glob("*.npy")}
    except (OSError, ValueError):
        return None  # removed with its snapshot, or cut short: work it out again


def _save(arrays: Arrays, home: Path) -> Arrays | None:
    """Write ``arrays`` into ``home`` through a temporary directory and map them; None
    when the disk refuses (the caller keeps its arrays in memory)."""
    try:
        home.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{home.name}.", dir=home.parent))
    except OSError:
        return None
    try:
        for key, array in arrays.items():
            np.save(tmp / f"{key}.npy", array, allow_pickle=False)
        try:
            os.rename(tmp, home)
        except OSError:
            if not home.is_dir():  # not another process's win: the disk refused
                return None
        return _load(home)
    except OSError:
        return None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
