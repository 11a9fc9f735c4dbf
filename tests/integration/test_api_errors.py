"""Every public error code, provoked for real, and the two a healthy server does not
give on its own: UNAVAILABLE (the store is down) and INTERNAL (a bug), each without a
stack trace reaching the client.

``test_every_public_code_over_http`` asks a real ``refnet serve`` (gunicorn on
loopback, ``tests/serving.py``) one request per code. UNAVAILABLE is real too: the
embedded store is stopped under a running server. INTERNAL needs a bug, which a
healthy server does not have on demand, so it is provoked in-process: the Flask test
client over the real app, with a store whose one named query raises a
ZeroDivisionError the way a bug deep in a resolver would (``_Broken``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
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
from refnet.graph.server import EmbeddedServer
from refnet.graph.store import GraphStore
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


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A real ``refnet serve`` over a tiny network: its URL and the tokens."""
    config = Config.from_env(env={}, data_dir=tmp_path_factory.mktemp("errors-data"))
    server = EmbeddedServer(config)
    server.start()
    try:
        with open_store(config) as store:
            tokens = _network(store, tmp_path_factory.mktemp("errors-files"))
        with serving(config) as url:
            yield f"{url}/graphql", tokens
    finally:
        server.stop()


def _post(url: str, token: str | None, query: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(url, json={"query": query}, headers=headers, timeout=30)


def test_every_public_code_is_provoked_somewhere() -> None:
    assert set(PROVOKED) | set(ELSEWHERE) == set(CODES)


@pytest.mark.parametrize("code", sorted(PROVOKED))
def test_every_public_code_over_http(served: tuple[str, dict[str, str]], code: str) -> None:
    url, tokens = served
    role, query, status = PROVOKED[code]
    r = _post(url, tokens[role] if role else None, query)
    assert r.status_code == status
    [error] = r.json()["errors"]
    assert error["extensions"]["code"] == code
    assert "Traceback" not in r.text


def test_a_stopped_store_is_unavailable_over_http(tmp_path: Path) -> None:
    """The server keeps running; the store under it goes away: 503 and UNAVAILABLE,
    from authentication (the first thing that reads the store)."""
    config = Config.from_env(env={}, data_dir=tmp_path / "data")
    server = EmbeddedServer(config)
    server.start()
    try:
        with open_store(config) as store:
            tokens = _network(store, tmp_path / "files")
        with serving(config) as url:
            assert _post(f"{url}/graphql", tokens["admin"], "{ me { role } }").ok
            server.stop()
            r = _post(f"{url}/graphql", tokens["admin"], "{ me { role } }")
            assert r.status_code == 503
            assert r.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
            assert "Traceback" not in r.text
            assert requests.get(f"{url}/readyz", timeout=10).status_code == 503
    finally:
        server.stop()


def test_a_store_that_goes_away_is_503_unavailable(tmp_path: Path) -> None:
    config = Config.from_env(env={}, data_dir=tmp_path / "data")
    server = EmbeddedServer(config)
    info = server.start()
    store = FalkorDBStore(config, info.socket)
    token = keys.create(store, "admin").token
    client = create_app(config, store=store).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/graphql", json={"query": "{ me { role } }"},
                       headers=headers).status_code == 200
    server.stop()
    r = client.post("/graphql", json={"query": "{ me { role } }"}, headers=headers)
    assert r.status_code == 503
    assert r.get_json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


class _Broken:
    """The real store, except that one query fails the way a bug would."""

    def __init__(self, store: FalkorDBStore, name: str) -> None:
        self._store, self._name = store, name

    def run(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == self._name:
            raise ZeroDivisionError("a bug deep inside")
        return self._store.run(name, *args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._store, attr)


def test_a_bug_is_internal_with_an_incident_id_and_no_trace(
    store: FalkorDBStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    net = Network()
    net.chain("a", "b")
    net.load(store, tmp_path)
    token = keys.create(store, "admin").token
    client = create_app(store.config, store=_Broken(store, "schema/members_by_id")).test_client()
    with caplog.at_level(logging.ERROR, logger="refnet.api"):
        r = client.post("/graphql", json={"query": '{ member(id: "a") { id } }'},
                        headers={"Authorization": f"Bearer {token}"})
    [error] = r.get_json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL"
    assert "incident" in error["message"] and "bug deep inside" not in r.text
    assert "Traceback" not in r.text and "ZeroDivisionError" not in r.text
    incident = error["message"].split("incident ")[1].split(")")[0]
    assert any(incident in rec.getMessage() and rec.exc_info for rec in caplog.records)
