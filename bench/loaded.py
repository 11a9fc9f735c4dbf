"""The network every benchmark runs on: generated, served and loaded the same way.

``loaded_network(members, prefix)`` writes the synthetic network for the default seed,
starts an embedded server for a fresh data dir, loads the files and yields
``(config, files, data)``; the server stops when the block ends, whatever happened.
``network_at(members, data)`` is that, or a data dir loaded before.
``neo4j_server(data)`` starts Neo4j 5.26 (the tests' harness, ``tests/neo4j``) with a
benchmark's memory and yields the config that reaches it.
``oracle(question)`` imports the tests' Cypher answer to a question, the anchor a
snapshot answer is measured against.
"""

from __future__ import annotations

import importlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from refnet.graph import cypher
from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.server import EmbeddedServer
from refnet.loaders import load, privacy, synthetic

__all__ = ["HASHER", "loaded_network", "median_ms", "neo4j_server", "network_at", "oracle"]


def median_ms(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """The median wall time of ``runs`` calls of ``fn`` in ms, and its last answer."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def oracle(question: str) -> ModuleType:
    """The tests' Cypher answer to ``question`` (``tests/oracle/<question>``): what the
    analytic snapshot replaced, the "before" a benchmark measures against."""
    _repo_on_path()
    cypher.add_root("tests.oracle")
    return importlib.import_module(f"tests.oracle.{question}")


HASHER = privacy.keyed_hasher(b"bench")


def _repo_on_path() -> None:
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)


@contextmanager
def neo4j_server(data: Path) -> Iterator[tuple[Config, int]]:
    """Neo4j 5.26 community with GDS, started from the tests' harness with 4 GB of heap
    and 2 GB of page cache: the config that reaches it and its process id (for its CPU
    time); stopped when the block ends."""
    _repo_on_path()
    from tests.neo4j import harness

    server = harness.start(data, heap_mb=4_096, page_cache_mb=2_048)
    try:
        yield Config.from_env(env={}, backend="neo4j", data_dir=data, neo4j_uri=server.uri,
                              neo4j_user=server.user, neo4j_password=server.password), \
            server.process.pid
    finally:
        server.stop()


@contextmanager
def loaded_network(members: int, prefix: str) -> Iterator[tuple[Config, Path, Path]]:
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        files, data = Path(tmp) / "files", Path(tmp) / "data"
        synthetic.generate(members, files, synthetic.DEFAULT_SEED)
        config = Config.from_env(env={}, data_dir=data)
        server = EmbeddedServer(config)
        server.start()
        try:
            with open_store(config) as store:
                load.load_paths(store, [files], hasher=HASHER)
            yield config, files, data
        finally:
            server.stop()


@contextmanager
def network_at(members: int, data: str | None) -> Iterator[Config]:
    """A network of ``members``: generated and loaded afresh, or the data dir ``data``
    loaded before (its server started for the block if it was not running)."""
    if data is None:
        with loaded_network(members, "refnet-bench-") as (config, _files, _data):
            yield config
        return
    config = Config.from_env(env={}, data_dir=Path(data))
    server = EmbeddedServer(config)
    started = server.status() is None
    if started:
        server.start()
    try:
        yield config
    finally:
        if started:
            server.stop()
