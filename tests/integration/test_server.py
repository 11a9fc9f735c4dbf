"""The embedded server's lifecycle: lock, restart, crash durability, damaged AOF files.

Each test starts its own server in its own data directory. There is no Neo4j twin:
refnet connects to a Neo4j it never starts, locks, restarts or repairs, so these are
the embedded FalkorDB server's (``graph.server``) alone.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from refnet.graph import errors
from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.graph.server import AOF_DIR, EmbeddedServer
from refnet.graph.store import row_lists

ROW = {"platform": "taobao", "joined_at": 1, "status": "active", "tier": "member"}
PARAMS = {"load_id": "load-t", "source": "test"}


@pytest.fixture
def config(tmp_path: Path) -> Iterator[Config]:
    config = Config.from_env(env={}, data_dir=tmp_path / "data")
    yield config
    EmbeddedServer(config).stop()


def write_members(store: FalkorDBStore, ids: range) -> None:
    """One acknowledged write per member, as a live service would make them."""
    for i in ids:
        rows = row_lists(store, "load/members", [{**ROW, "member_id": f"m{i}"}])
        store.run("load/members", {"rows": rows, **PARAMS}, write=True)


def started_with_members(config: Config, n: int) -> EmbeddedServer:
    """A running server for ``config`` holding ``n`` members, written one at a time."""
    server = EmbeddedServer(config)
    info = server.start()
    with FalkorDBStore(config, info.socket) as store:
        store.ensure_schema()
        write_members(store, range(n))
    return server


def member_count(config: Config) -> int:
    with open_store(config) as store:
        return int(store.run("network/counts").single()["members"])


def incr_aof(config: Config) -> Path:
    [path] = sorted((config.data_dir / AOF_DIR).glob("*.incr.aof"))
    return path


def test_start_status_stop(config: Config) -> None:
    server = EmbeddedServer(config)
    assert server.status() is None
    info = server.start()
    assert server.status() == info
    assert os.stat(config.data_dir).st_mode & 0o077 == 0  # only this user may look inside
    assert server.stop() is True
    assert server.status() is None
    assert server.stop() is False


def test_a_second_server_on_one_data_dir_is_refused(config: Config) -> None:
    first = EmbeddedServer(config).start()
    with pytest.raises(errors.AlreadyRunning, match=str(first.pid)):
        EmbeddedServer(config).start()
    assert EmbeddedServer(config).status() == first


def test_restart_keeps_the_data(config: Config) -> None:
    server = started_with_members(config, 100)
    server.stop()
    server.start()
    assert member_count(config) == 100
    with FalkorDBStore(config, server.status().socket) as store:  # schema survived too
        assert store.ensure_schema() == []


def test_open_store_stops_only_a_server_it_started(config: Config) -> None:
    with open_store(config):
        assert EmbeddedServer(config).status() is not None
    assert EmbeddedServer(config).status() is None
    EmbeddedServer(config).start()
    with open_store(config):
        pass
    assert EmbeddedServer(config).status() is not None


def test_kill_9_after_acknowledged_writes_loses_none_with_fsync_always(tmp_path: Path) -> None:
    config = Config.from_env(env={}, data_dir=tmp_path / "always", fsync="always")
    server = EmbeddedServer(config)
    info = server.start()
    with FalkorDBStore(config, info.socket) as store:
        store.ensure_schema()
        write_members(store, range(500))
    os.kill(info.pid, signal.SIGKILL)
    _wait_gone(server)
    try:
        assert member_count(config) == 500
    finally:
        server.stop()


def test_kill_9_with_fsync_everysec_loses_at_most_about_a_second(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Report what everysec lost over repeated trials; it must never lose more than ~1 s."""
    lost = []
    for trial in range(5):
        config = Config.from_env(env={}, data_dir=tmp_path / f"everysec{trial}")
        server = EmbeddedServer(config)
        info = server.start()
        with FalkorDBStore(config, info.socket) as store:
            store.ensure_schema()
            started = time.perf_counter()
            write_members(store, range(1_000))
            rate = 1_000 / (time.perf_counter() - started)
        os.kill(info.pid, signal.SIGKILL)
        _wait_gone(server)
        lost.append(1_000 - member_count(config))
        server.stop()
        assert lost[-1] <= rate * 2.0  # two seconds of writes, generously
    with capsys.disabled():
        print(f"\n  appendfsync everysec, kill -9 right after 1,000 acknowledged writes: "
              f"lost {lost} writes over {len(lost)} trials")


def test_the_aof_logs_effects_not_queries(config: Config) -> None:
    """Replaying logged queries ignores indexes (quadratic); logged effects replay in O(n)."""
    started_with_members(config, 20)
    aof = incr_aof(config).read_bytes()
    assert b"GRAPH.EFFECT" in aof
    assert b"MERGE (m:Member" not in aof


def test_clear_and_reload_replay_exactly_after_restarts(config: Config, tmp_path: Path) -> None:
    """GRAPH.DELETE + rebuild once replayed 300 members as 404; clear must not use it."""
    from refnet.loaders import load, privacy, synthetic

    first, second = tmp_path / "a", tmp_path / "b"
    synthetic.generate(400, first, seed=3)
    synthetic.generate(300, second, seed=7)
    server = EmbeddedServer(config)

    def restart() -> FalkorDBStore:
        server.stop()
        return FalkorDBStore(config, server.start().socket)

    store = FalkorDBStore(config, server.start().socket)
    load.load_paths(store, [first], hasher=privacy.keyed_hasher(b"k"))
    store = restart()
    store = restart()
    store.clear()
    load.load_paths(store, [second], hasher=privacy.keyed_hasher(b"k"))
    expected = store.run("network/counts").single()
    assert expected["members"] == 300
    store = restart()
    assert store.run("network/counts").single() == expected
    store.close()


def test_a_truncated_aof_tail_starts_and_says_what_was_lost(config: Config) -> None:
    server = started_with_members(config, 50)
    server.stop()
    partial = b"*4\r\n$11\r\nGRAPH.QUERY\r\n$6\r\nrefnet\r\n$40\r\nMERGE (m:Mem"
    with open(incr_aof(config), "ab") as f:
        f.write(partial)
    info = server.start()
    assert len(info.warnings) == 1
    assert f"dropped {len(partial)} bytes" in info.warnings[0]
    assert member_count(config) == 50


def test_a_corrupt_aof_fails_with_one_clear_error(config: Config) -> None:
    server = started_with_members(config, 50)
    server.stop()
    path = incr_aof(config)
    data = bytearray(path.read_bytes())
    middle = data.index(b"*", len(data) // 2)
    data[middle:middle + 1] = b"X"  # a command header that is not one
    path.write_bytes(bytes(data))
    with pytest.raises(errors.DataCorrupt, match="redis-check-aof"):
        server.start()
    assert server.status() is None  # nothing left running, the lock is free
    assert path.read_bytes() == bytes(data)  # and nothing was changed


def test_a_long_data_dir_gets_a_short_socket(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    config = Config.from_env(env={}, data_dir=deep)
    server = EmbeddedServer(config)
    try:
        info = server.start()
        assert len(info.socket) < 100
        assert member_count(config) == 0
    finally:
        server.stop()


def _wait_gone(server: EmbeddedServer, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while server.status() is not None:
        assert time.monotonic() < deadline, "the killed server still holds its lock"
        time.sleep(0.02)
