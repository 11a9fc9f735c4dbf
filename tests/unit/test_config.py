"""Configuration: environment first, flags over it, clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from refnet.graph import errors
from refnet.graph.config import Config, Limits


def test_defaults_are_the_embedded_store_with_limits_set() -> None:
    config = Config.from_env(env={})
    assert config.backend == "embedded"
    assert config.fsync == "everysec"
    assert config.data_dir.name == "refnet"
    assert config.limits == Limits()
    assert 0 < config.limits.timeout_ms <= config.limits.timeout_max_ms


def test_environment_is_read() -> None:
    env = {
        "REFNET_BACKEND": "neo4j", "REFNET_DATA_DIR": "/tmp/x", "NEO4J_URI": "bolt://db:7687",
        "NEO4J_USER": "u", "NEO4J_PASSWORD": "p", "NEO4J_DATABASE": "d",
        "REFNET_TIMEOUT_MS": "1234", "REFNET_MAX_ROWS": "10",
    }
    config = Config.from_env(env=env)
    assert (config.backend, config.data_dir, config.neo4j_uri) == ("neo4j", Path("/tmp/x"),
                                                                  "bolt://db:7687")
    assert (config.neo4j_user, config.neo4j_password, config.neo4j_database) == ("u", "p", "d")
    assert (config.limits.timeout_ms, config.limits.max_rows) == (1234, 10)


def test_flags_override_the_environment_and_none_means_unset() -> None:
    env = {"REFNET_BACKEND": "neo4j", "REFNET_DATA_DIR": "/tmp/env"}
    config = Config.from_env(env=env, backend="embedded", data_dir=None)
    assert config.backend == "embedded"
    assert config.data_dir == Path("/tmp/env")


@pytest.mark.parametrize("backend", ["embedded", "neo4j"])
def test_another_process_reaches_the_same_store_through_as_env(backend: str) -> None:
    config = Config.from_env(env={}, backend=backend, data_dir="/tmp/d", graph="g",
                             neo4j_uri="neo4j://db:7687", neo4j_user="u",
                             neo4j_password="p", neo4j_database="d")
    again = Config.from_env(env=config.as_env())
    assert again.backend == backend and again.data_dir == Path("/tmp/d") and again.graph == "g"
    if backend == "neo4j":
        assert (again.neo4j_uri, again.neo4j_user, again.neo4j_password,
                again.neo4j_database) == ("neo4j://db:7687", "u", "p", "d")
    else:
        assert not any(name.startswith("NEO4J_") for name in config.as_env())


@pytest.mark.parametrize(("env", "message"), [
    ({"REFNET_BACKEND": "mysql"}, "unknown backend"),
    ({"REFNET_FSYNC": "never"}, "unknown fsync"),
    ({"REFNET_TIMEOUT_MS": "soon"}, "REFNET_TIMEOUT_MS must be an integer"),
    ({"REFNET_TIMEOUT_MS": "9", "REFNET_TIMEOUT_MAX_MS": "5"}, "must not exceed"),
])
def test_bad_values_are_config_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(errors.ConfigError, match=message):
        Config.from_env(env=env)


def test_the_password_never_shows_in_the_uri() -> None:
    config = Config.from_env(env={"NEO4J_URI": "neo4j://bob:s3cret@db.internal:7687/x"})
    assert "s3cret" not in config.redacted_uri
    assert config.redacted_uri == "neo4j://bob:***@db.internal:7687/x"
    plain = Config.from_env(env={"NEO4J_URI": "neo4j://db:7687"})
    assert plain.redacted_uri == "neo4j://db:7687"


def test_error_tree_flags_retryable_errors() -> None:
    assert errors.StoreUnavailable("x").is_retryable()
    assert errors.IncompleteCommit("x").is_retryable()
    assert not errors.BadQuery("x").is_retryable()
    assert not errors.QueryTimeout("x").is_retryable()
    codes = {cls.code for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, errors.RefnetError)}
    assert len(codes) == len(errors.__all__)  # each error has a code of its own
