"""Shared fixtures: one real embedded FalkorDB server and one real Neo4j for the run.

``store`` is one fixture parametrised over both backends (``backend``): each store
test runs on FalkorDB and on Neo4j. On FalkorDB each test gets its own graph (a fresh
name) on the session's server. Neo4j community has one database, so each test gets
it emptied; a store shared by many tests (``synthetic_store``) is loaded again only
when another test has used the database in between (``_Neo4jOwner``).

The Neo4j is the one ``NEO4J_URI`` (``NEO4J_USER``, ``NEO4J_PASSWORD``,
``NEO4J_DATABASE``) points at when set, else Neo4j 5.26 with Graph Data Science started
here from Maven Central's test harness (``tests/neo4j``) when Java and Maven are
present, in the background as soon as the tests are collected, so its start overlaps
the FalkorDB half; the Neo4j half is skipped, with the reason, without them.
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from refnet.graph import cypher
from refnet.graph.config import Config
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.graph.neo4j_store import Neo4jStore
from refnet.graph.server import EmbeddedServer, ServerInfo
from refnet.graph.store import GraphStore
from tests.neo4j import harness

BACKENDS = ("falkordb", "neo4j")

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


class _Neo4jStarter:
    """Starts the test Neo4j once, in a thread, so the start overlaps other tests."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._server: harness.Neo4jServer | None = None
        self._error: BaseException | None = None
        self._data: Path | None = None

    def begin(self, data: Path) -> None:
        if self._thread is None and not os.environ.get("NEO4J_URI") and \
                harness.missing_tools() is None:
            self._data = data
            self._thread = threading.Thread(target=self._run, name="neo4j-start", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            assert self._data is not None
            self._server = harness.start(self._data)
        except BaseException as e:  # reported by wait(), in the test that needs it
            self._error = e

    def wait(self) -> harness.Neo4jServer:
        assert self._thread is not None
        self._thread.join()
        if self._error is not None:
            raise RuntimeError(f"the test Neo4j did not start: {self._error}") from self._error
        assert self._server is not None
        return self._server

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.join()
        if self._server is not None:
            self._server.stop()


_starter = _Neo4jStarter()


def _wants_neo4j(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return (callspec is not None and callspec.params.get("backend") == "neo4j") or \
        "neo4j_config" in getattr(item, "fixturenames", ())


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the test Neo4j now if any selected test needs it."""
    if any(_wants_neo4j(item) for item in session.items):
        factory = session.config._tmp_path_factory  # type: ignore[attr-defined]
        _starter.begin(factory.mktemp("neo4j-server"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    _starter.stop()


@pytest.fixture(scope="session")
def neo4j_session_config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """How to reach the tests' Neo4j: ``NEO4J_URI`` when set, else the one started here."""
    if os.environ.get("NEO4J_URI"):
        return Config.from_env(backend="neo4j")
    if why := harness.missing_tools():
        if os.environ.get("CI"):  # CI must run the Neo4j half (.ci/run installs Java)
            pytest.fail(why)
        pytest.skip(why)
    _starter.begin(tmp_path_factory.mktemp("neo4j-server"))
    server = _starter.wait()
    return Config.from_env(env={}, backend="neo4j", neo4j_uri=server.uri,
                           neo4j_user=server.user, neo4j_password=server.password)


@pytest.fixture
def neo4j_config(neo4j_session_config: Config, tmp_path: Path) -> Config:
    """The Neo4j config with a data dir (snapshots, keys' files) of this test's own."""
    return replace(neo4j_session_config, data_dir=tmp_path / "data",
                   graph=f"t_{uuid.uuid4().hex[:12]}")


class _Neo4jOwner:
    """Which fixture's data the one Neo4j database holds now: the database is emptied
    for each test, and a shared store reloads only when it no longer owns it."""

    holder: object | None = None

    @classmethod
    def claim(cls, store: Neo4jStore, token: object,
              fill: Callable[[Neo4jStore], None] | None = None) -> None:
        if cls.holder is token:
            return
        cls.holder = None
        store.execute("MATCH (n) DETACH DELETE n", write=True, label="tests/wipe")
        if fill is not None:
            fill(store)
        cls.holder = token


@pytest.fixture(scope="session")
def _neo4j_schema(neo4j_session_config: Config) -> Config:
    with Neo4jStore(neo4j_session_config) as s:
        s.ensure_schema()
    return neo4j_session_config


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which database a store test runs on: every store test runs on both."""
    return str(request.param)


def neo4j_store(config: Config, token: object,
                fill: Callable[[Neo4jStore], None] | None = None) -> Neo4jStore:
    """A store on the tests' Neo4j owned by ``token``: emptied (then ``fill``ed) unless
    ``token`` already owns the database."""
    s = Neo4jStore(config)
    _Neo4jOwner.claim(s, token, fill)
    return s


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """A store of its own, empty, with the schema in place; dropped afterwards."""
    if backend == "neo4j":
        request.getfixturevalue("_neo4j_schema")
        s = neo4j_store(request.getfixturevalue("neo4j_config"), object())
        yield s
        s.close()
        return
    s = _fresh_graph(request.getfixturevalue("server_config"),
                     request.getfixturevalue("server_info"))
    yield s
    _drop(s)


@contextlib.contextmanager
def served_store(backend: str, request: pytest.FixtureRequest,
                 data_dir: Path) -> Iterator[Config]:
    """The config of an empty store on ``backend`` for a module's served network (its
    files under ``data_dir``), as ``refnet serve`` reaches it: an embedded FalkorDB
    started in ``data_dir``, or the tests' Neo4j, emptied and held until the block ends.

    Neo4j has one database: a test that empties it in between would serve the module
    another network, so the block's end fails loudly if that happened."""
    if backend == "falkordb":
        config = Config.from_env(env={}, data_dir=data_dir)
        server = EmbeddedServer(config)
        server.start()
        try:
            yield config
        finally:
            server.stop()
        return
    config = replace(request.getfixturevalue("_neo4j_schema"), data_dir=data_dir)
    token = object()
    neo4j_store(config, token).close()
    yield config
    if _Neo4jOwner.holder is not token:
        raise AssertionError("another test emptied the Neo4j database while a module "
                             "served its network from it")
    _Neo4jOwner.holder = None


@pytest.fixture
def falkordb_store(server_config: Config, server_info: ServerInfo) -> Iterator[FalkorDBStore]:
    """A FalkorDB store only, for the tests of FalkorDB's own traps and of the embedded
    client (each says why it has no Neo4j twin)."""
    s = _fresh_graph(server_config, server_info)
    yield s
    _drop(s)


# The property tests that load a store per example run a twentieth of their examples on
# Neo4j (at least 1): each example loads a network through the loader's many small
# transactions, which costs Neo4j ~10-20x FalkorDB's time (the snapshot-equals-Cypher
# tests took 24 s an example), and the whole suite must stay well under 15 minutes on 2
# cores. FalkorDB keeps the full count; the two run the same strategies, so each example
# is one either could draw. Property tests that only ask (the API's scope) keep theirs.
NEO4J_EXAMPLE_SHARE = 20


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    test = getattr(item, "obj", None)
    callspec = getattr(item, "callspec", None)
    if getattr(test, "hypothesis", None) is None or callspec is None or \
            callspec.params.get("backend") != "neo4j" or "store" not in item.fixturenames:
        return (yield)
    from hypothesis import settings

    saved = getattr(test, "_hypothesis_internal_use_settings", None)
    base = saved or settings()
    fewer = settings(base, max_examples=max(1, base.max_examples // NEO4J_EXAMPLE_SHARE))
    test._hypothesis_internal_use_settings = fewer  # type: ignore[union-attr]
    try:
        return (yield)
    finally:
        if saved is not None:
            test._hypothesis_internal_use_settings = saved  # type: ignore[union-attr]


@pytest.fixture(scope="session")
def _synthetic_falkordb(server_config: Config, server_info: ServerInfo,
                        network_dir: Path) -> Iterator[FalkorDBStore]:
    from refnet.loaders.load import load_paths
    from tests.graphs import HASHER

    s = _fresh_graph(server_config, server_info)
    report = load_paths(s, [network_dir], hasher=HASHER)
    assert report.bad == 0
    yield s
    _drop(s)


@pytest.fixture(scope="session")
def _synthetic_neo4j_config(_neo4j_schema: Config,
                            tmp_path_factory: pytest.TempPathFactory) -> Config:
    return replace(_neo4j_schema, data_dir=tmp_path_factory.mktemp("synthetic-neo4j"),
                   graph="synthetic")


_SYNTHETIC = object()


@pytest.fixture
def synthetic_store(backend: str, network_dir: Path,
                    request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """The 2,000-member synthetic network (``network_dir``) loaded once; tests only read it.

    On Neo4j it is loaded again when a test in between emptied the database."""
    if backend == "falkordb":
        yield request.getfixturevalue("_synthetic_falkordb")
        return
    from refnet.loaders.load import load_paths
    from tests.graphs import HASHER

    def fill(s: Neo4jStore) -> None:
        assert load_paths(s, [network_dir], hasher=HASHER).bad == 0

    s = neo4j_store(request.getfixturevalue("_synthetic_neo4j_config"), _SYNTHETIC, fill)
    yield s
    s.close()


@pytest.fixture(scope="session")
def network_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The canonical files of a small synthetic network, generated once."""
    from refnet.loaders import synthetic

    out = tmp_path_factory.mktemp("network")
    synthetic.generate(2_000, out, seed=11)
    return out
