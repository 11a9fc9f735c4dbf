"""Shared fixtures: one real embedded FalkorDB server for the whole run.

Each test that needs a store gets its own graph (a fresh name) on that server, so
tests stay independent without paying for a server start each.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from refnet.graph import cypher
from refnet.graph.config import Config
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.graph.server import EmbeddedServer, ServerInfo

# The Cypher answers the analytic snapshot replaced, kept as the tests' oracles.
cypher.add_root("tests.oracle")


@pytest.fixture(scope="session")
def server_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Config]:
    """A config whose data dir has a running embedded server, stopped at the end."""
    config = Config.from_env(env={}, data_dir=tmp_path_factory.mktemp("store"))
    server = EmbeddedServer(config)
    server.start()
    yield config
    server.stop()


@pytest.fixture(scope="session")
def server_info(server_config: Config) -> ServerInfo:
    info = EmbeddedServer(server_config).status()
    assert info is not None
    return info


def _fresh_graph(server_config: Config, server_info: ServerInfo) -> FalkorDBStore:
    """A store on a new, empty graph of its own on the session's server, schema in place."""
    config = Config.from_env(env={}, data_dir=server_config.data_dir,
                             graph=f"t_{uuid.uuid4().hex[:12]}")
    s = FalkorDBStore(config, server_info.socket)
    s.ensure_schema()
    return s


def _drop(s: FalkorDBStore) -> None:
    s._graph.delete()
    s.close()


@pytest.fixture
def store(server_config: Config, server_info: ServerInfo) -> Iterator[FalkorDBStore]:
    """A store on a graph of its own, with the schema in place; deleted afterwards."""
    s = _fresh_graph(server_config, server_info)
    yield s
    _drop(s)


@pytest.fixture
def neo4j_config() -> Config:
    """A Neo4j config from NEO4J_URI; tests using it are skipped, visibly, without one."""
    if not os.environ.get("NEO4J_URI"):
        pytest.skip("NEO4J_URI is not set: no real Neo4j to test against")
    return Config.from_env(backend="neo4j")


@pytest.fixture(scope="session")
def synthetic_store(server_config: Config, server_info: ServerInfo,
                    network_dir: Path) -> Iterator[FalkorDBStore]:
    """The 2,000-member synthetic network (``network_dir``) loaded once; tests only read it."""
    from refnet.loaders.load import load_paths
    from tests.graphs import HASHER

    s = _fresh_graph(server_config, server_info)
    report = load_paths(s, [network_dir], hasher=HASHER)
    assert report.bad == 0
    yield s
    _drop(s)


@pytest.fixture(scope="session")
def network_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The canonical files of a small synthetic network, generated once."""
    from refnet.loaders import synthetic

    out = tmp_path_factory.mktemp("network")
    synthetic.generate(2_000, out, seed=11)
    return out
