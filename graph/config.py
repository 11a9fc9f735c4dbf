"""One configuration object, read from the environment, overridden by flags.

Everything a store needs to start or connect lives here, with the defaults a fresh
install uses: the embedded FalkorDB backend, data under the per-user data directory,
limits set rather than left unlimited.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from .errors import ConfigError

__all__ = ["LANGUAGES", "Config", "Limits"]

Backend = Literal["embedded", "neo4j"]
BACKENDS: tuple[str, ...] = ("embedded", "neo4j")
FSYNC_POLICIES: tuple[str, ...] = ("everysec", "always")
LANGUAGES: tuple[str, ...] = ("zh", "en")  # zh-CN first (refnet.api.language names them)


@dataclass(frozen=True)
class Limits:
    """Query limits applied on every call (and, on the embedded server, at start).

    FalkorDB ships with no time limit, an unbounded queue and no memory cap; a
    runaway query would hold the whole server, so refnet always sets them.
    """

    timeout_ms: int = 30_000  # default per-query time limit
    timeout_max_ms: int = 300_000  # no call may ask for more
    max_rows: int = 1_000_000  # row cap on one result
    max_queued_queries: int = 256
    query_mem_mb: int = 2048  # per-query memory cap (FalkorDB QUERY_MEM_CAPACITY)


@dataclass(frozen=True)
class Config:
    """Where the graph lives and how to reach it."""

    backend: Backend = "embedded"
    data_dir: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir("refnet")))
    graph: str = "refnet"
    fsync: str = "everysec"  # appendfsync: everysec (lose <= ~1 s on a crash) or always
    neo4j_uri: str = "neo4j://localhost:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    limits: Limits = field(default_factory=Limits)
    timezone: str = "Asia/Shanghai"  # the organization's: days, weeks and months are its own
    language: str = "zh"  # what people read first: zh-CN labels; "en" by choice

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"unknown time zone {self.timezone!r}; use an IANA name such "
                              f"as Asia/Shanghai") from None
        if self.language not in LANGUAGES:
            raise ConfigError(f"unknown language {self.language!r}; choose one of "
                              f"{', '.join(LANGUAGES)}")
        if self.backend not in BACKENDS:
            raise ConfigError(f"unknown backend {self.backend!r}; choose one of {BACKENDS}")
        if self.fsync not in FSYNC_POLICIES:
            raise ConfigError(f"unknown fsync policy {self.fsync!r}; use one of {FSYNC_POLICIES}")
        if self.limits.timeout_ms > self.limits.timeout_max_ms:
            raise ConfigError("timeout_ms must not exceed timeout_max_ms")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        """Build from ``REFNET_*`` / ``NEO4J_*`` variables; non-None overrides win."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        names = {
            "backend": "REFNET_BACKEND",
            "data_dir": "REFNET_DATA_DIR",
            "graph": "REFNET_GRAPH",
            "fsync": "REFNET_FSYNC",
            "neo4j_uri": "NEO4J_URI",
            "neo4j_user": "NEO4J_USER",
            "neo4j_password": "NEO4J_PASSWORD",
            "neo4j_database": "NEO4J_DATABASE",
            "timezone": "REFNET_TZ",
            "language": "REFNET_LANG",
        }
        for attr, var in names.items():
            if env.get(var):
                values[attr] = env[var]
        limits = {}
        for f in fields(Limits):
            var = f"REFNET_{f.name.upper()}"
            if env.get(var):
                try:
                    limits[f.name] = int(env[var])
                except ValueError:
                    raise ConfigError(f"{var} must be an integer, got {env[var]!r}") from None
        values["limits"] = Limits(**limits)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data_dir" in values:
            values["data_dir"] = Path(values["data_dir"]).expanduser()
        return cls(**values)

    def as_env(self) -> dict[str, str]:
        """The variables that reach this config's store from another process (a server
        or a command started for it): ``from_env`` of them gives the same store."""
        env = {"REFNET_BACKEND": self.backend, "REFNET_DATA_DIR": str(self.data_dir),
               "REFNET_GRAPH": self.graph}
        if self.backend == "neo4j":
            env |= {"NEO4J_URI": self.neo4j_uri, "NEO4J_USER": self.neo4j_user,
                    "NEO4J_PASSWORD": self.neo4j_password,
                    "NEO4J_DATABASE": self.neo4j_database}
        return env

    def with_limits(self, **changes: int) -> Config:
        """A copy with some limits changed."""
        return replace(self, limits=replace(self.limits, **changes))

    @property
    def redacted_uri(self) -> str:
        """The Neo4j URI with any password removed, safe for messages and logs."""
        parts = urlsplit(self.neo4j_uri)
        if parts.password is None:
            return self.neo4j_uri
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        netloc = f"{parts.username}:***@{host}" if parts.username else host
        return urlunsplit(parts._replace(netloc=netloc))
