"""A full disk under the embedded server: no write is acknowledged that the AOF lacks.

With ``appendfsync everysec`` redis answers a write whose AOF write failed (it keeps
the command buffered and refuses later writes with ``MISCONF``); a ``kill -9`` before
space frees lost that acknowledged write. The data directory here is a real 2 MiB
tmpfs (mounted for the test; skipped where mounting is not allowed), filled up.

There is no Neo4j twin: the acknowledged-but-unwritten write is redis's AOF under
``appendfsync everysec`` (the embedded server's), and refnet neither places nor fills
the disk of the Neo4j it connects to.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from refnet.graph import errors
from refnet.graph.config import Config
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.graph.server import EmbeddedServer


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2M", "tmpfs", str(disk)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as f, contextlib.suppress(OSError):
        while True:
            f.write(b"\0" * 4096)
            f.flush()
    return filler


def _ids(store: FalkorDBStore) -> set[str]:
    return {r[0] for r in store.execute("MATCH (n:Member) RETURN n.id").rows}


def test_a_write_the_full_disk_did_not_take_is_refused_not_acknowledged(
        small_disk: Path) -> None:
    config = Config.from_env(env={}, data_dir=small_disk / "data")
    server = EmbeddedServer(config)
    info = server.start()
    try:
        store = FalkorDBStore(config, info.socket)
        store.execute("CREATE (:Member {id: 'before'})", write=True)
        filler = _fill(small_disk)
        with pytest.raises(errors.WritesRefused, match="disk"):
            # bigger than a page: the AOF's last page has room for a small write
            store.execute("CREATE (:Member {id: 'first-after', pad: $pad})",
                          {"pad": "x" * 20_000}, write=True)
        with pytest.raises(errors.WritesRefused):  # redis's own MISCONF refusal, mapped
            store.execute("CREATE (:Member {id: 'second-after'})", write=True)
        assert "before" in _ids(store)  # reads go on
        os.kill(info.pid, signal.SIGKILL)
        filler.unlink()
        server.stop()  # reaps the killed child, clears its state
        info = server.start()
        store = FalkorDBStore(config, info.socket)
        assert _ids(store) == {"before"}  # what was refused is not there, and nothing
        store.execute("CREATE (:Member {id: 'after-space'})", write=True)  # writes again
        assert _ids(store) == {"before", "after-space"}
    finally:
        server.stop()
