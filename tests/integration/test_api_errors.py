"""The two error codes a healthy server does not give on its own: UNAVAILABLE (the store
is down) and INTERNAL (a bug), each without a stack trace reaching the client."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from refnet.api import keys
from refnet.api.app import create_app
from refnet.graph.config import Config
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.graph.server import EmbeddedServer
from tests.graphs import Network


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
