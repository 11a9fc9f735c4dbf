"""The store against real servers (FalkorDB and Neo4j): the one query path, limits,
errors, schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refnet.graph import errors, schema
from refnet.graph.config import Config
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.graph.neo4j_store import Neo4jStore
from refnet.graph.store import GraphStore

MEMBER_ROW = {"member_id": "m1", "platform": "taobao", "joined_at": 1_700_000_000_000,
              "status": "active", "tier": "member"}
PARAMS = {"load_id": "load-test", "source": "test"}


def counts(store: FalkorDBStore) -> tuple[int, int]:
    nodes = store.execute("MATCH (n) RETURN count(n)").scalar()
    edges = store.execute("MATCH ()-[r]->() RETURN count(r)").scalar()
    return nodes, edges


def test_store_satisfies_the_protocol(store: FalkorDBStore) -> None:
    assert isinstance(store, GraphStore)


def test_schema_is_idempotent_and_complete(store: FalkorDBStore) -> None:
    assert store.ensure_schema() == []
    if isinstance(store, Neo4jStore):
        rows = store.execute("SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
                             "WHERE type = 'UNIQUENESS' RETURN labelsOrTypes[0], properties").rows
        found = {(label, tuple(sorted(props))) for label, props in rows}
    else:
        rows = store.execute("CALL db.constraints() YIELD label, properties, status "
                             "RETURN label, properties, status").rows
        found = {(label, tuple(sorted(props))) for label, props, status in rows
                 if status == "OPERATIONAL"}
    assert found == {(k.label, tuple(sorted(k.properties))) for k in schema.UNIQUE_KEYS}


@pytest.mark.parametrize("key", schema.UNIQUE_KEYS, ids=lambda k: k.label)
def test_constraints_reject_a_duplicate_key(store: FalkorDBStore, key: schema.UniqueKey) -> None:
    props = ", ".join(f"{p}: $v{i}" for i, p in enumerate(key.properties))
    text = f"CREATE (:{key.label} {{{props}}})"
    values = {f"v{i}": f"dup-{i}" for i in range(len(key.properties))}
    store.execute(text, values, write=True)
    with pytest.raises(errors.ConstraintViolation):
        store.execute(text, values, write=True)
    assert store.execute(f"MATCH (n:{key.label}) RETURN count(n)").scalar() == 1


def test_reads_cannot_write(store: FalkorDBStore) -> None:
    with pytest.raises(errors.BadQuery):
        store.execute("CREATE (:Member {id: 'x'})")
    assert counts(store) == (0, 0)


def test_bad_query_is_a_bad_query_error(store: FalkorDBStore) -> None:
    with pytest.raises(errors.BadQuery) as info:
        store.execute("MATCH (n RETURN n")
    assert not info.value.is_retryable()


def test_unknown_query_name_fails_loudly(store: FalkorDBStore) -> None:
    with pytest.raises(errors.QueryNotFound):
        store.run("network/no_such_question")


def test_row_cap_refuses_an_oversized_result(store: FalkorDBStore) -> None:
    store.execute("UNWIND range(1, 50) AS i CREATE (:Member {id: toString(i)})", write=True)
    assert len(store.execute("MATCH (m:Member) RETURN m.id", max_rows=50).rows) == 50
    with pytest.raises(errors.ResultTooLarge):
        store.execute("MATCH (m:Member) RETURN m.id", max_rows=49)


# Work no planner can skip: Neo4j answers a bare count(*) of a cartesian product from
# its count store without visiting a row.
SLOW = ("MATCH (a:Member), (b:Member), (c:Member) WHERE a.id + b.id + c.id = 'none' "
        "RETURN count(*)")


def test_query_past_its_timeout_is_stopped_and_the_server_stays_up(
    store: FalkorDBStore,
) -> None:
    store.execute("UNWIND range(1, 3000) AS i CREATE (:Member {id: toString(i)})", write=True)
    with pytest.raises(errors.QueryTimeout):
        store.execute(SLOW, timeout_ms=50)
    assert store.execute("RETURN 1").scalar() == 1


def test_a_call_cannot_raise_its_timeout_past_the_maximum(store: FalkorDBStore) -> None:
    config = store.config.with_limits(timeout_ms=50, timeout_max_ms=50)
    capped = (Neo4jStore(config) if isinstance(store, Neo4jStore)
              else FalkorDBStore(config, store.socket))
    store.execute("UNWIND range(1, 3000) AS i CREATE (:Member {id: toString(i)})", write=True)
    with pytest.raises(errors.QueryTimeout):
        capped.execute(SLOW, timeout_ms=60_000)
    capped.close()


def test_write_batches_sums_counters_and_reports_progress(store: FalkorDBStore) -> None:
    seen: list[int] = []
    rows = [{**MEMBER_ROW, "member_id": f"m{i}"} for i in range(1_050)]
    summary = store.write_batches("load/members", rows, params=PARAMS, batch_size=500,
                                  progress=seen.append)
    assert (summary.rows, summary.batches, seen) == (1_050, 3, [500, 500, 50])
    assert summary.counters["nodes_created"] == 1_050
    again = store.write_batches("load/members", rows, params=PARAMS, batch_size=500)
    assert again.counters.get("nodes_created", 0) == 0


def test_write_batches_retries_only_retryable_errors(
    store: FalkorDBStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    real_run = store.run

    def flaky(name: str, params: dict, **kw: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:  # the first attempt's outcome is "unknown"
            real_run(name, params, **kw)
            raise errors.IncompleteCommit("connection dropped after commit")
        return real_run(name, params, **kw)

    monkeypatch.setattr(store, "run", flaky)
    summary = store.write_batches("load/members", [MEMBER_ROW], params=PARAMS)
    assert summary.retries == 1
    assert store.execute("MATCH (m:Member) RETURN count(m)").scalar() == 1

    monkeypatch.setattr(store, "run", lambda *a, **k: (_ for _ in ()).throw(
        errors.BadQuery("nope")))
    with pytest.raises(errors.BadQuery):
        store.write_batches("load/members", [MEMBER_ROW], params=PARAMS)


def test_server_info_names_the_server(store: FalkorDBStore) -> None:
    info = store.server_info()
    if isinstance(store, Neo4jStore):
        assert (info["server"], info["backend"]) == ("Neo4j", "neo4j")
        assert info["version"].startswith("5.")
        assert info["edition"] in ("community", "enterprise")
        assert store.config.neo4j_password not in repr(info)
        return
    assert info["server"] == "FalkorDB"
    assert info["version"].count(".") == 2
    assert info["backend"] == "embedded"


def test_non_finite_numbers_are_refused_before_sending(store: FalkorDBStore) -> None:
    with pytest.raises(errors.BadQuery):
        store.execute("RETURN $x", {"x": float("nan")})


UNSTORABLE = ["", " ", "\t", "\n", " m1", "m1 ", "m1\r\n", "a\x01b", "\x01", "a\x00"]


@pytest.mark.parametrize("text", UNSTORABLE, ids=repr)
def test_text_that_crashes_falkordb_is_refused_and_the_server_survives(
    store: FalkorDBStore, text: str
) -> None:
    """FalkorDB 4.16.3 segfaults writing these to a uniquely constrained property."""
    with pytest.raises(errors.BadQuery, match=r"rows"):
        store.write_batches("load/members", [{**MEMBER_ROW, "member_id": text}], params=PARAMS)
    with pytest.raises(errors.BadQuery):  # in any property, nested in a list of maps
        store.write_batches("load/members", [{**MEMBER_ROW, "tier": text}], params=PARAMS)
    assert store.execute("RETURN 1").scalar() == 1
    assert counts(store) == (0, 0)


@pytest.mark.parametrize("text", [
    "a\nb", "a\r\nb", "t\tt", "\b\f", 'q"q', "b\\s", '\\"', "中文😀", "\u2028", "a/b", "\x7f",
    "\x02\x1f", "\\u0041", '{"k":1}', "{}",
], ids=repr)
def test_rows_sent_as_json_read_back_exactly(store: FalkorDBStore, text: str) -> None:
    """Lists of plain values go as JSON text; what FalkorDB does not read the JSON way
    (``\\uXXXX``, maps) takes the client's quoting, and nothing changes on the way
    (Neo4j's driver sends values, not text: only the round trip applies)."""
    rows = [[text, 1, -2.5, True, None, [text]]]
    if isinstance(store, FalkorDBStore):
        header = store.prepare({"rows": rows}).header
        assert header.startswith("CYPHER rows=[[")
        as_json = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        quoted = json.dumps(text, ensure_ascii=False)
        assert (header == f"CYPHER rows={as_json} ") == ("\\u" not in quoted
                                                        and '{"' not in quoted)
    got = store.execute("UNWIND $rows AS r RETURN r", {"rows": rows}).scalar()
    assert got == [text, 1, -2.5, True, None, [text]]


def test_reads_may_carry_any_text_but_nul(store: FalkorDBStore) -> None:
    assert store.execute("RETURN $x", {"x": " a\x01 "}).scalar() == " a\x01 "
    with pytest.raises(errors.BadQuery):
        store.execute("RETURN $x", {"x": "a\x00"})


def test_store_unavailable_when_the_socket_is_gone(tmp_path: Path,
                                                   server_config: Config) -> None:
    """The embedded server's unix socket: Neo4j's twin, a URI nobody listens on, is
    test_neo4j_store.py's test_an_unreachable_uri_is_one_clear_retryable_error."""
    config = Config.from_env(env={}, data_dir=tmp_path)
    with pytest.raises(errors.StoreUnavailable) as info:
        FalkorDBStore(config, str(tmp_path / "nothing.sock"))
    assert info.value.is_retryable()


# Hostile text: quotes, backslashes, backticks, braces, comments, newlines, unicode
# (less what the store refuses to write: see UNSTORABLE above).
# A lone surrogate (U+D800..U+DFFF) is no character at all: UTF-8 cannot encode it, so
# no client can send it to a store (Hypothesis 6.170 draws them unless told a codec).
SENDABLE = st.characters(codec="utf-8", exclude_characters="\x00\x01")
HOSTILE = st.one_of(
    st.text(SENDABLE, min_size=1, max_size=40).map(lambda t: t.strip(" \t\n\r\v\f") or "x"),
    st.sampled_from([
        "'", '"', "\\", "\\'", '\\"', "`", "{", "}", "//", "/*", "*/", "a\nb", "a\r\nb", "a\tb",
        "') DETACH DELETE n //", '"}) MATCH (n) DETACH DELETE n //', "$rows", "CYPHER x=1",
        "\u0002", "\u001f", "\u2028", "中文名字", "😀", "\\\\\"", "a\\", "\\u0041", "%s",
        "{{x}}", "NULL", "true",
    ]),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE)
def test_hostile_strings_round_trip_byte_exact_through_every_parameter(
    store: FalkorDBStore, text: str
) -> None:
    store.execute("MATCH (n) DETACH DELETE n", write=True)
    store.write_batches("load/members", [
        {**MEMBER_ROW, "member_id": "anchor"},
        {"member_id": text, "platform": text, "joined_at": 1, "status": text, "tier": text},
    ], params={"load_id": text, "source": text})
    store.write_batches("load/referrals_write", [{"member_id": text, "referrer_id": "anchor",
                                            "joined_at": 2}],
                        params={"load_id": text, "source": text})
    store.write_batches("load/products", [{"product_id": text, "name": text, "category": text,
                                           "price": 1, "entry_package": False}],
                        params=PARAMS)
    row = store.execute(
        "MATCH (a:Member {id: 'anchor'})-[r:REFERRED]->(m:Member {id: $id}) "
        "RETURN m.id, m.platform, m.status, m.tier, m.load_id, r.source",
        {"id": text},
    ).rows
    assert row == [(text, text, text, text, text, text)]
    product = store.execute("MATCH (p:Product {id: $id}) RETURN p.name, p.category",
                            {"id": text}).rows
    assert product == [(text, text)]
    # nothing else appeared or vanished: 2 members + 1 product, 1 referral
    assert counts(store) == (3, 1)
