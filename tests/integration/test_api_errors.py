"""Every public error code, provoked for real, and the two a healthy server does not
give on its own: UNAVAILABLE (the store is down) and INTERNAL (a bug), each without a
stack trace reaching the client.

``test_every_public_code_over_http`` asks a real ``refnet serve`` (gunicorn on
loopback, ``tests/serving.py``) one request per code, on each backend. UNAVAILABLE is
real too: the store goes away under a running app (the embedded server stopped; the
connection to Neo4j cut, ``_Cut``). INTERNAL needs a bug, which a healthy server does
not have on demand, so it is provoked in-process: the Flask test client over the real
app, with a store whose one named query raises a ZeroDivisionError the way a bug deep
in a resolver would (``_Broken``).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests

from refnet.api import keys
from refnet.api.app import create_app
from refnet.api.errors import CODES
from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.graph.neo4j_store import Neo4jStore
from refnet.graph.server import EmbeddedServer
from refnet.graph.store import GraphStore
from tests.conftest import served_store
from tests.graphs import Network
from tests.serving import serving

# code -> (key: None, "admin" or "organizer" bound to b; query; HTTP status)
PROVOKED: dict[str, tuple[str | None, str, int]] = {
    "UNAUTHENTICATED": (None, "{ me { role } }", 401),
    "FORBIDDEN": ("organizer", '{ member(id: "x") { id } }', 200),  # x is outside b's team
    "BAD_USER_INPUT": ("admin", '{ downline(rootId: "a", activeDays: 0) { size } }', 200),
    "NOT_FOUND": ("admin", '{ member(id: "nobody") { id } }', 200),
    "LIMIT_EXCEEDED": ("admin", "{ members(first: 1000) { edges { cursor } } }", 200),
}
# provoked below, each in a test of its own
ELSEWHERE = {"UNAVAILABLE": "test_a_stopped_store_is_unavailable_over_http",
             "INTERNAL": "test_a_bug_is_internal_with_an_incident_id_and_no_trace"}


def _network(store: GraphStore, out: Path) -> dict[str, str]:
    """a -> b -> c and a lone x; tokens for an admin key and an organizer key bound to b."""
    net = Network()
    net.chain("a", "b", "c")
    net.member("x")
    net.load(store, out)
    return {"admin": keys.create(store, "admin").token,
            "organizer": keys.create(store, "organizer", member_id="b").token}


class Served:
    def __init__(self, url: str, tokens: dict[str, str], config: Config) -> None:
        self.url, self.tokens, self.config = url, tokens, config


@pytest.fixture(scope="module")
def served(backend: str, request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A real ``refnet serve`` over a tiny network, on each backend: its URL, the tokens
    and the store's config (the module's tests use no store of their own: on Neo4j one
    would empty the database under the served network)."""
    with served_store(backend, request, tmp_path_factory.mktemp("errors-data")) as config:
        with open_store(config) as store:
            tokens = _network(store, tmp_path_factory.mktemp("errors-files"))
        with serving(config) as url:
            yield Served(f"{url}/graphql", tokens, config)


def _post(url: str, token: str | None, query: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(url, json={"query": query}, headers=headers, timeout=30)


def test_every_public_code_is_provoked_somewhere() -> None:
    assert set(PROVOKED) | set(ELSEWHERE) == set(CODES)


@pytest.mark.parametrize("code", sorted(PROVOKED))
def test_every_public_code_over_http(served: Served, code: str) -> None:
    role, query, status = PROVOKED[code]
    r = _post(served.url, served.tokens[role] if role else None, query)
    assert r.status_code == status
    [error] = r.json()["errors"]
    assert error["extensions"]["code"] == code
    assert "Traceback" not in r.text


class _Cut:
    """A loopback TCP relay to a Neo4j: the store's connections pass through it until
    ``cut()`` closes every one of them and stops listening, as a Neo4j that went away."""

    def __init__(self, uri: str) -> None:
        host, port = uri.split("://", 1)[1].rsplit(":", 1)
        self._upstream = (host, int(port))
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._sockets: list[socket.socket] = []
        self.uri = f"bolt://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # cut
                return
            upstream = socket.create_connection(self._upstream)
            self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with contextlib.suppress(OSError):  # wakes the accept (close alone would not)
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for s in self._sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


@contextlib.contextmanager
def _goes_away(backend: str, request: pytest.FixtureRequest, tmp_path: Path
               ) -> Iterator[tuple[Config, GraphStore, Callable[[], None]]]:
    """A store, its config, and how to make it go away: the embedded server stopped, or
    every connection to Neo4j cut (``_Cut``, as a Neo4j restart or a network fault
    would). Neo4j is not emptied: the module's served network lives there."""
    if backend == "falkordb":
        config = Config.from_env(env={}, data_dir=tmp_path / "data")
        server = EmbeddedServer(config)
        store: GraphStore = FalkorDBStore(config, server.start().socket)
        go_away = server.stop
    else:
        request.getfixturevalue("_neo4j_schema")
        relay = _Cut(request.getfixturevalue("neo4j_config").neo4j_uri)
        config = replace(request.getfixturevalue("neo4j_config"), neo4j_uri=relay.uri)
        store = Neo4jStore(config)
        go_away = relay.cut
    try:
        yield config, store, go_away
    finally:
        store.close()
        go_away()


def test_a_stopped_store_is_unavailable_over_http(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """``refnet serve`` keeps running; the store under it goes away: 503 and
    UNAVAILABLE, from authentication (the first thing that reads the store), within
    the Neo4j store's ``READ_RETRY_S`` of retries."""
    with _goes_away(backend, request, tmp_path) as (config, store, go_away):
        token = keys.create(store, "admin").token
        with serving(config) as url:
            assert _post(f"{url}/graphql", token, "{ me { role } }").ok
            go_away()
            r = _post(f"{url}/graphql", token, "{ me { role } }")
            assert r.status_code == 503
            assert r.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
            assert "Traceback" not in r.text
            assert requests.get(f"{url}/readyz", timeout=10).status_code == 503


def test_a_store_that_goes_away_is_503_unavailable(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """The same in-process, through the app a worker runs: ``/readyz`` says 503 and
    ``/healthz`` (the process itself) still 200."""
    with _goes_away(backend, request, tmp_path) as (config, store, go_away):
        token = keys.create(store, "admin").token
        client = create_app(config, store=store).test_client()
        headers = {"Authorization": f"Bearer {token}"}
        assert client.post("/graphql", json={"query": "{ me { role } }"},
                           headers=headers).status_code == 200
        go_away()
        r = client.post("/graphql", json={"query": "{ me { role } }"}, headers=headers)
        assert r.status_code == 503
        assert r.get_json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200


class _Broken:
    """The real store, except that one query fails the way a bug would."""

    def __init__(self, store: GraphStore, name: str) -> None:
        self._store, self._name = store, name

    def run(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == self._name:
            raise ZeroDivisionError("a bug deep inside")
        return self._store.run(name, *args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._store, attr)


def test_a_bug_is_internal_with_an_incident_id_and_no_trace(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    with open_store(served.config) as store:
        client = create_app(store.config,
                            store=_Broken(store, "schema/members_by_id")).test_client()
        with caplog.at_level(logging.ERROR, logger="refnet.api"):
            r = client.post("/graphql", json={"query": '{ member(id: "a") { id } }'},
                            headers={"Authorization": f"Bearer {served.tokens['admin']}"})
    [error] = r.get_json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL"
    assert "incident" in error["message"] and "bug deep inside" not in r.text
    assert "Traceback" not in r.text and "ZeroDivisionError" not in r.text
    incident = error["message"].split("incident ")[1].split(")")[0]
    assert any(incident in rec.getMessage() and rec.exc_info for rec in caplog.records)
