"""Malformed and hostile request bodies, sent raw to a real ``refnet serve``: every one
answers JSON with its ``extensions.code``, no HTML, no traceback, no echo of the input.

Before ``api.body`` a JSON array, ``null``, a string, invalid UTF-8 or 100,000 nested
brackets got an HTML 500; ``{"query": 5}`` answered with Python's own words; forged
cursors reached the store and came back INTERNAL, and a bad cursor was echoed whole.

The requests that take what a hostile caller chose to the store (a 500 KB member id,
cursors whose parts are keys like any other) and the INTERNAL answer to a store's
error run on both backends. The rest run on FalkorDB only, because the store is no
part of them: each is refused by the API's own checks (``api.body``, the cursor
check, GraphQL's validation, the multipart map) before any query is built from it,
after a key lookup every other API test makes on both backends, and the slow-body
tests are about gunicorn's workers and ``api.body``'s clock.
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from refnet.api import keys
from refnet.api.app import create_app
from refnet.api.body import READ_TIMEOUT_S
from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.errors import StoreError
from refnet.graph.store import GraphStore
from tests.conftest import served_store
from tests.graphs import Network
from tests.serving import serving

MEMBERS = "query($c: String) { members(first: 1, after: $c) { edges { cursor } } }"


def _cursor(raw: bytes) -> bytes:
    """A request for a page after a forged cursor (base64 of ``raw``)."""
    return json.dumps({"query": MEMBERS, "variables": {
        "c": base64.urlsafe_b64encode(raw).decode()}}).encode()


# name -> (raw body, expected code, expected HTTP status)
BODIES: dict[str, tuple[bytes, str, int]] = {
    "batched array": (b'[{"query": "{ me { role } }"}]', "BAD_USER_INPUT", 400),
    "null": (b"null", "BAD_USER_INPUT", 400),
    "a string": (b'"{ me { role } }"', "BAD_USER_INPUT", 400),
    "invalid utf-8": (b'{"query": "{ me { role } }\xff\xfe"}', "BAD_USER_INPUT", 400),
    "not json": (b'{"query": ', "BAD_USER_INPUT", 400),
    "NaN": (b'{"query": "{ me { role } }", "variables": {"x": NaN}}', "BAD_USER_INPUT", 400),
    "variables 100,000 deep": (
        b'{"query": "{ me { role } }", "variables": {"x": ' + b"[" * 100_000
        + b"]" * 100_000 + b"}}", "LIMIT_EXCEEDED", 400),
    "variables 100 deep": (
        b'{"query": "{ me { role } }", "variables": {"x": ' + b"[" * 100 + b"]" * 100 + b"}}",
        "LIMIT_EXCEEDED", 400),
    "query is a number": (b'{"query": 5}', "BAD_USER_INPUT", 400),
    "variables a list": (b'{"query": "{ me { role } }", "variables": [1]}',
                         "BAD_USER_INPUT", 400),
    "operationName a number": (b'{"query": "{ me { role } }", "operationName": 5}',
                               "BAD_USER_INPUT", 400),
    "five unnamed operations": (json.dumps({"query": "{ me { role } }\n" * 5}).encode(),
                                "BAD_USER_INPUT", 200),
    "five unnamed, one named": (json.dumps({"query": "{ me { role } }\n" * 5,
                                            "operationName": "x"}).encode(),
                                "BAD_USER_INPUT", 200),
    "cursor with a NUL": (_cursor(b'[1, "\\u0000"]'), "BAD_USER_INPUT", 200),
    "cursor with NaN": (_cursor(b'[NaN, "a"]'), "BAD_USER_INPUT", 200),
    "cursor with a backtick key": (_cursor(b'[{"a`b": 1}, "a"]'), "BAD_USER_INPUT", 200),
    "cursor nested deep": (_cursor(b"[" * 3_000 + b"]" * 3_000), "BAD_USER_INPUT", 200),
    "cursor nested in a part": (_cursor(b'[[[["a"]]], "a"]'), "BAD_USER_INPUT", 200),
    "cursor a float": (_cursor(b'[1.5, "a"]'), "BAD_USER_INPUT", 200),
    "cursor an integer past 2**62": (_cursor(b'[-9223372036854775808, "a"]'),
                                     "BAD_USER_INPUT", 200),
    "cursor not base64": (json.dumps({"query": MEMBERS, "variables": {"c": "%%%"}}).encode(),
                          "BAD_USER_INPUT", 200),
    "cursor 100 KB": (json.dumps({"query": MEMBERS, "variables": {"c": "A" * 100_000}})
                      .encode(), "BAD_USER_INPUT", 200),
    "cursor 2 MiB": (json.dumps({"query": MEMBERS, "variables": {"c": "A" * (2 << 20)}})
                     .encode(), "LIMIT_EXCEEDED", 413),
    "a 500 KB member id": (json.dumps({"query": "query($id: ID!) { member(id: $id) { id } }",
                                       "variables": {"id": "m" * 500_000}}).encode(),
                           "NOT_FOUND", 200),
    "a 500 KB policy": (json.dumps({"query": "query($p: String) { compliance(policy: $p) "
                                             "{ totals { members } } }",
                                    "variables": {"p": "p" * 500_000}}).encode(),
                        "BAD_USER_INPUT", 200),
    "body 2 MiB": (json.dumps({"query": "{ me { role } }", "x": "y" * (2 << 20)}).encode(),
                   "LIMIT_EXCEEDED", 413),
}


# the bodies whose hostile part reaches the store: asked on both backends
REACH_THE_STORE = {"a 500 KB member id"}
# the rest: the backend parametrised to FalkorDB alone (as a session-scoped fixture, so
# these tests run with the module's FalkorDB half)
FALKORDB_ONLY = pytest.mark.parametrize("backend", ["falkordb"], indirect=True)


@pytest.fixture(scope="module")
def served(backend: str, request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Config]]:
    """``refnet serve`` over a -> b: the URL, an admin token and the store's config (the
    module's tests use no store of their own: on Neo4j one would empty the database
    under the served network)."""
    with served_store(backend, request, tmp_path_factory.mktemp("hostile-data")) as config:
        with open_store(config) as store:
            net = Network()
            net.chain("a", "b")
            net.load(store, tmp_path_factory.mktemp("hostile-files"))
            token = keys.create(store, "admin").token
        with serving(config) as url:
            yield f"{url}/graphql", token, config


def _raw(url: str, token: str, body: bytes) -> requests.Response:
    return requests.post(url, data=body, timeout=60, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})


@FALKORDB_ONLY
@pytest.mark.parametrize("name", sorted(set(BODIES) - REACH_THE_STORE))
def test_a_malformed_body_is_a_json_error_with_its_code(served: tuple[str, str, Config],
                                                        name: str) -> None:
    _refused_as_json(served, name)


@pytest.mark.parametrize("name", sorted(REACH_THE_STORE))
def test_a_hostile_value_the_store_is_asked_with_is_a_json_error(
        served: tuple[str, str, Config], name: str) -> None:
    _refused_as_json(served, name)


def _refused_as_json(served: tuple[str, str, Config], name: str) -> None:
    url, token, _ = served
    body, code, status = BODIES[name]
    r = _raw(url, token, body)
    assert r.headers["content-type"].startswith("application/json"), r.text[:200]
    assert (r.status_code, {e["extensions"]["code"] for e in r.json()["errors"]}) == (
        status, {code}), r.text[:500]
    assert "Traceback" not in r.text and "object has no attribute" not in r.text
    assert len(r.content) < 2_000  # nothing echoed back
    assert _raw(url, token, b'{"query": "{ me { role } }"}').json() == {
        "data": {"me": {"role": "ADMIN"}}}  # and the server still answers


@pytest.mark.parametrize(("cursor", "order", "page"), [
    (b'["a`b", "a`b"]', "ID", ["b"]),  # a backtick in a string part
    (b'[null, null]', "ID", ["a", "b"]),
    (b'[-4611686018427387904, "a"]', "JOINED_AT", ["a", "b"]),  # -2**62: before any time
    (b'[4611686018427387903, "a"]', "JOINED_AT", []),
])
def test_a_forged_cursor_of_plain_parts_is_just_a_key(
        served: tuple[str, str, Config], cursor: bytes, order: str, page: list[str]) -> None:
    """A cursor's parts are parameters like any other: no error, the page after them,
    the same on both backends (FalkorDB compared -2**63 wrongly: api.schema.paging)."""
    url, token, _ = served
    query = ("query($c: String, $o: MemberOrder) { members(first: 5, after: $c, orderBy: $o) "
             "{ edges { node { id } } } }")
    r = _raw(url, token, json.dumps({"query": query, "variables": {
        "c": base64.urlsafe_b64encode(cursor).decode(), "o": order}}).encode())
    assert r.status_code == 200 and "errors" not in r.json(), r.text
    assert [e["node"]["id"] for e in r.json()["data"]["members"]["edges"]] == page


def test_an_internal_refnet_error_while_authenticating_is_a_500_with_an_incident(
        served: tuple[str, str, Config], caplog: pytest.LogCaptureFixture) -> None:
    """A StoreError (INTERNAL) before GraphQL runs: not a 400 with its own text."""
    _, token, config = served
    with open_store(config) as store:
        client = create_app(config, store=_Failing(store, "keys/get")).test_client()
        with caplog.at_level(logging.ERROR, logger="refnet.api"):
            r = client.post("/graphql", json={"query": "{ me { role } }"},
                            headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 500
    [error] = r.get_json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL" and "incident" in error["message"]
    assert "secret store text" not in r.text
    incident = error["message"].split("incident ")[1].split(")")[0]
    assert any(incident in rec.getMessage() and rec.exc_info for rec in caplog.records)


class _Failing:
    """The real store, except that one query raises a StoreError with internal text."""

    def __init__(self, store: GraphStore, name: str) -> None:
        self._store, self._name = store, name

    def run(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == self._name:
            raise StoreError("secret store text")
        return self._store.run(name, *args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._store, attr)


def _slow_body(url: str, token: str, length: int) -> socket.socket:
    """A request that promises ``length`` bytes and sends 27 of them."""
    host, port = url.removeprefix("http://").split("/")[0].split(":")
    s = socket.create_connection((host, int(port)), timeout=30)
    s.sendall((f"POST /graphql HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n").encode()
              + b'{"query": "{ me { role } }"')
    return s


def _answer(s: socket.socket) -> str:
    """One whole HTTP answer (headers and body may arrive apart)."""
    raw = b""
    while b"\r\n\r\n" not in raw or len(raw.split(b"\r\n\r\n", 1)[1]) < int(
            raw.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0]):
        chunk = s.recv(4096)
        if not chunk:
            break
        raw += chunk
    return raw.decode()


@FALKORDB_ONLY
def test_slow_bodies_hold_no_worker_and_are_cut_off(served: tuple[str, str, Config]) -> None:
    """20 clients that never finish their body: the next request is still answered at
    once (gevent workers); a body promised over the cap is refused at once, and one
    under it gets a 408 once api.body's time is up."""
    url, token, _ = served
    held = [_slow_body(url, token, length) for length in [1_000_000_000, 1_000_000] * 10]
    try:
        time.sleep(0.5)
        started = time.monotonic()
        r = _raw(url, token, b'{"query": "{ me { role } }"}')
        assert r.status_code == 200 and time.monotonic() - started < 5
        refused = _answer(held[0])
        assert refused.startswith("HTTP/1.1 413") and '"LIMIT_EXCEEDED"' in refused
        timed_out = _answer(held[1])  # after READ_TIMEOUT_S; the socket waits 30
        assert timed_out.startswith("HTTP/1.1 408") and '"LIMIT_EXCEEDED"' in timed_out
        assert time.monotonic() - started < READ_TIMEOUT_S + 5
    finally:
        for s in held:
            s.close()


@FALKORDB_ONLY
def test_a_stalled_upload_is_cut_off(served: tuple[str, str, Config]) -> None:
    """An upload may be long but not idle: READ_TIMEOUT_S without a byte is a 408."""
    url, token, _ = served
    host, port = url.removeprefix("http://").split("/")[0].split(":")
    head = (b'--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
            b'{"query": "mutation($f: [Upload!]) { startLoad(files: $f) { started } }", '
            b'"variables": {"f": [null]}}\r\n--b\r\nContent-Disposition: form-data; '
            b'name="map"\r\n\r\n{"0": ["variables.f.0"]}\r\n--b\r\nContent-Disposition: '
            b'form-data; name="0"; filename="m.csv"\r\n\r\nmember_id\r\n')
    with socket.create_connection((host, int(port)), timeout=30) as s:
        started = time.monotonic()
        s.sendall((f"POST /graphql HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer "
                   f"{token}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                   "Content-Length: 10000000\r\n\r\n").encode() + head)
        answer = _answer(s)
    assert answer.startswith("HTTP/1.1 408") and '"LIMIT_EXCEEDED"' in answer, answer
    assert READ_TIMEOUT_S - 1 < time.monotonic() - started < READ_TIMEOUT_S + 5


START = "mutation($f: [Upload!]) { startLoad(files: $f) { started } }"
# name -> (operations, map): multipart requests whose parts do not fit together
MULTIPART: dict[str, tuple[str, str]] = {
    "batched operations": (json.dumps([{"query": START}]), '{"0": ["0.variables.f.0"]}'),
    "operations a number": ("5", "{}"),
    "map a list": (json.dumps({"query": START, "variables": {"f": [None]}}), "[1]"),
    "map past the list": (json.dumps({"query": START, "variables": {"f": [None]}}),
                          '{"0": ["variables.f.7"]}'),
    "map through a string": (json.dumps({"query": START, "variables": {"f": "x"}}),
                             '{"0": ["variables.f.0"]}'),
}


@FALKORDB_ONLY
@pytest.mark.parametrize("name", sorted(MULTIPART))
def test_a_malformed_multipart_request_is_a_json_error(served: tuple[str, str, Config],
                                                       name: str) -> None:
    url, token, _ = served
    operations, files_map = MULTIPART[name]
    r = requests.post(url, headers={"Authorization": f"Bearer {token}"}, timeout=60,
                      files={"operations": (None, operations), "map": (None, files_map),
                             "0": ("members.csv", b"member_id\nm1\n")})
    assert r.headers["content-type"].startswith("application/json"), r.text[:200]
    assert r.status_code == 400, r.text[:300]
    assert [e["extensions"]["code"] for e in r.json()["errors"]] == ["BAD_USER_INPUT"]
    assert "Traceback" not in r.text and "object has no attribute" not in r.text
