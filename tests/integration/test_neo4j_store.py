"""What only the neo4j backend has: connecting, signing in, credentials kept out of
messages, server info, and its own schema statements, against the tests' Neo4j 5.26
(or the server NEO4J_URI names). Everything a store does runs on Neo4j through the
parametrised ``store`` fixture in the other files.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
from click.testing import CliRunner

from refnet.api.cli import main
from refnet.graph import errors
from refnet.graph.config import Config
from refnet.graph.neo4j_store import Neo4jStore
from refnet.graph.store import GraphStore
from tests.conftest import neo4j_store


@pytest.fixture
def neo4j(neo4j_config: Config) -> Iterator[Neo4jStore]:
    store = neo4j_store(neo4j_config, object())
    store.ensure_schema()
    yield store
    store.close()


def test_protocol_and_server_info(neo4j: Neo4jStore) -> None:
    assert isinstance(neo4j, GraphStore)
    info = neo4j.server_info()
    assert (info["server"], info["database"]) == ("Neo4j", neo4j.config.neo4j_database)
    if not os.environ.get("NEO4J_URI"):
        assert info["gds"] is True  # the Neo4j the tests start carries Graph Data Science
    assert neo4j.config.neo4j_password not in repr(info)


def test_schema_is_idempotent(neo4j: Neo4jStore) -> None:
    assert neo4j.ensure_schema() == []


def test_round_trip_and_duplicate_key(neo4j: Neo4jStore) -> None:
    member = f"m-{uuid.uuid4().hex}"
    rows = [{"member_id": member, "platform": "taobao", "joined_at": 1, "status": "active",
             "tier": "member"}]
    summary = neo4j.write_batches("load/members", rows, params={"load_id": "l", "source": "t"})
    assert summary.counters["nodes_created"] == 1
    assert neo4j.run("network/counts").single()["members"] == 1
    with pytest.raises(errors.ConstraintViolation):
        neo4j.execute("CREATE (:Member {id: $id})", {"id": member}, write=True)


def test_timeout_is_applied(neo4j: Neo4jStore) -> None:
    with pytest.raises(errors.QueryTimeout):
        neo4j.execute("UNWIND range(1, 100000000) AS x WITH x WHERE x < 0 RETURN count(x)",
                      timeout_ms=10)


def test_a_wrong_password_is_one_clear_error_without_the_password(
    neo4j_config: Config,
) -> None:
    bad = replace(neo4j_config, neo4j_password="definitely-wrong-pw")
    with pytest.raises(errors.StoreUnavailable) as info:
        Neo4jStore(bad)
    assert "definitely-wrong-pw" not in str(info.value)


def test_an_unreachable_uri_is_one_clear_retryable_error() -> None:
    config = Config.from_env(env={}, backend="neo4j", neo4j_uri="bolt://127.0.0.1:1",
                             neo4j_password="hunter22")
    with pytest.raises(errors.StoreUnavailable) as info:
        Neo4jStore(config)
    assert "bolt://127.0.0.1:1" in str(info.value)
    assert "hunter22" not in str(info.value)
    assert info.value.is_retryable()


def test_credentials_in_the_uri_are_refused_without_echoing_them() -> None:
    config = Config.from_env(env={}, backend="neo4j",
                             neo4j_uri="neo4j://bob:hunter22@127.0.0.1:1")
    with pytest.raises(errors.ConfigError, match="NEO4J_PASSWORD") as info:
        Neo4jStore(config)
    assert "hunter22" not in str(info.value)


def test_db_status_says_what_it_reaches_and_never_the_password(neo4j: Neo4jStore) -> None:
    c = neo4j.config
    env = {"REFNET_BACKEND": "neo4j", "NEO4J_URI": c.neo4j_uri, "NEO4J_USER": c.neo4j_user,
           "NEO4J_PASSWORD": c.neo4j_password, "NEO4J_DATABASE": c.neo4j_database,
           "REFNET_DATA_DIR": str(c.data_dir)}
    text = CliRunner().invoke(main, ["db", "status"], env=env)
    as_json = CliRunner().invoke(main, ["db", "status", "--json"], env=env)
    assert (text.exit_code, as_json.exit_code) == (0, 0), text.output + as_json.output
    assert c.neo4j_password not in text.output + as_json.output
    info = json.loads(as_json.output)
    assert (info["server"], info["database"], info["user"]) == ("Neo4j", c.neo4j_database,
                                                                c.neo4j_user)
    assert f"Neo4j {info['version']} {info['edition']}" in text.output
    assert f"database {c.neo4j_database!r}" in text.output
    if not os.environ.get("NEO4J_URI"):
        assert "Graph Data Science installed" in text.output
