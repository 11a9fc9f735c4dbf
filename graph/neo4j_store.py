"""The production backend: Neo4j through the official ``neo4j`` driver.

Reads run in read transactions so a cluster (``neo4j://`` routing) can send them to
followers; writes run in managed write transactions. The driver retries both on
transient errors: a write for ``WRITE_RETRY_S`` (a load can wait out a cluster's
election), a read for ``READ_RETRY_S`` only (a person is waiting on the page, and a
Neo4j that is gone should say so in seconds, not after a quarter of a minute). An
unknown commit outcome (``IncompleteCommit``) surfaces as refnet's retryable
``IncompleteCommit``: safe to retry because every refnet write is an idempotent
``MERGE``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

import neo4j
from neo4j import exceptions as nx

from . import cypher, errors, schema
from .config import Config
from .params import check_params
from .store import Params, Result, WriteSummary, write_in_batches

__all__ = ["READ_RETRY_S", "WRITE_RETRY_S", "Neo4jStore"]

READ_RETRY_S: Final = 2.0
WRITE_RETRY_S: Final = 15.0

_COUNTERS = (
    "nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
    "properties_set", "labels_added", "constraints_added", "indexes_added",
)


class Neo4jStore:
    """A graph in a Neo4j database (single server or cluster)."""

    backend = "neo4j"
    dialect = "neo4j"

    def __init__(self, config: Config, *, verify: bool = True) -> None:
        self.config = config
        self._where = f"Neo4j at {config.redacted_uri} (database {config.neo4j_database!r})"
        self._columns_of: dict[str, list[str]] = {}  # query text -> its columns (columns())
        if urlsplit(config.neo4j_uri).username is not None:
            raise errors.ConfigError(
                f"{config.redacted_uri}: put the user and password in NEO4J_USER and "
                "NEO4J_PASSWORD, not in NEO4J_URI"
            )
        try:
            self._driver = neo4j.GraphDatabase.driver(
                config.neo4j_uri,
                auth=(config.neo4j_user, config.neo4j_password),
                connection_timeout=10.0,
                max_transaction_retry_time=WRITE_RETRY_S,
                # The server's notifications (a property no node has yet, id() being
                # deprecated) are for whoever writes the query; the driver logs each
                # one as a warning, which buried `refnet db status` and every command's
                # output in noise. refnet's texts are checked by the linter instead.
                notifications_min_severity="OFF",
            )
            if verify:
                self._driver.verify_connectivity()
        except Exception as e:
            raise _translate(e, "connect", 0, self._where) from e

    def run(
        self,
        name: str,
        params: Params | None = None,
        *,
        write: bool = False,
        timeout_ms: int | None = None,
        max_rows: int | None = None,
    ) -> Result:
        return self.execute(
            cypher.load(name, self.dialect), params,
            write=write, timeout_ms=timeout_ms, max_rows=max_rows, label=name,
        )

    def execute(
        self,
        text: str,
        params: Params | None = None,
        *,
        write: bool = False,
        timeout_ms: int | None = None,
        max_rows: int | None = None,
        label: str = "query",
    ) -> Result:
        """Run refnet's own query text in a managed transaction, with limits applied;
        parameters are held to the rule FalkorDB needs (``params.check_params``)."""
        if params:
            params = check_params(dict(params), write=write)
        limits = self.config.limits
        timeout = min(timeout_ms or limits.timeout_ms, limits.timeout_max_ms)
        cap = limits.max_rows if max_rows is None else min(max_rows, limits.max_rows)
        # Managed transactions take their time limit from unit_of_work, not from a
        # Query object (which the driver accepts only in session.run).
        @neo4j.unit_of_work(timeout=timeout / 1000)
        def work(tx: neo4j.ManagedTransaction) -> Result:
            result = tx.run(text, dict(params or {}))  # type: ignore[arg-type]
            columns = list(result.keys())
            rows = []
            for record in result:
                if len(rows) == cap:
                    raise errors.ResultTooLarge(f"{label} returned more than {cap:,} rows")
                rows.append(tuple(record.values()))
            counters = result.consume().counters
            found = {c: int(getattr(counters, c)) for c in _COUNTERS if getattr(counters, c, 0)}
            return Result(columns, rows, found)

        started = time.perf_counter()
        try:
            with self._driver.session(
                    database=self.config.neo4j_database,
                    max_transaction_retry_time=WRITE_RETRY_S if write else READ_RETRY_S,
            ) as session:
                result = session.execute_write(work) if write else session.execute_read(work)
        except Exception as e:
            raise _translate(e, label, timeout, self._where) from e
        return Result(result.columns, result.rows, result.counters,
                      (time.perf_counter() - started) * 1000)

    def columns(
        self,
        name: str,
        params: Params | None = None,
        *,
        timeout_ms: int | None = None,
        max_rows: int | None = None,
    ) -> dict[str, list[Any]]:
        """``run``'s answer as columns, its rows collected on the server into one list.

        The driver makes a ``Record`` of every row it reads, about 15 µs each: 7 s of the
        100,000-member snapshot's 411,228 clicks. One list of rows it decodes in Rust
        (``neo4j-rust-ext``) in 1 s. So the named query runs inside ``CALL {}`` and one
        row comes back; the column names are the query's own, asked once (``EXPLAIN``).
        Rows in lists keep their nulls (``collect`` of a bare column would drop them)."""
        text = cypher.load(name, self.dialect)
        keys = self._keys(text, params, name)
        if not keys:
            return {}
        limits = self.config.limits
        cap = limits.max_rows if max_rows is None else min(max_rows, limits.max_rows)
        collected = self.execute(
            "CALL {\n" + text + "\n}\nRETURN collect([" +
            ", ".join(_identifier(k) for k in keys) + "]) AS rows",
            params, timeout_ms=timeout_ms, label=name).rows[0][0]
        if len(collected) > cap:
            raise errors.ResultTooLarge(f"{name} returned more than {cap:,} rows")
        columns = zip(*collected, strict=True) if collected else ([] for _ in keys)
        return {k: list(column) for k, column in zip(keys, columns, strict=True)}

    def _keys(self, text: str, params: Params | None, name: str) -> list[str]:
        """The columns a query text returns, from the server's plan (no rows read)."""
        if text not in self._columns_of:
            self._columns_of[text] = self.execute("EXPLAIN " + text, params,
                                                  label=name).columns
        return self._columns_of[text]

    def write_batches(
        self,
        name: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        params: Params | None = None,
        batch_size: int = 5_000,
        progress: Callable[[int], None] | None = None,
    ) -> WriteSummary:
        return write_in_batches(self, name, rows, params, batch_size, progress)

    def ensure_schema(self) -> list[str]:
        created = []
        for statement in schema.statements(self.dialect):
            result = self.execute(statement, write=True, label="schema")
            if result.counters:
                created.append(statement)
        return created

    def clear(self) -> None:
        """Delete every node but API keys, in batches (needs an auto-commit transaction)."""
        text = cypher.load("admin/clear", self.dialect)
        try:
            with self._driver.session(database=self.config.neo4j_database) as session:
                session.run(text).consume()  # type: ignore[arg-type]
        except Exception as e:
            raise _translate(e, "admin/clear", 0, self._where) from e

    def server_info(self) -> dict[str, Any]:
        """What refnet is connected to (version, edition, database, GDS), never the
        password: ``refnet db status`` prints it."""
        try:
            info = self._driver.get_server_info()
        except Exception as e:
            raise _translate(e, "server_info", 0, self._where) from e
        kernel = self.run("admin/components").records()
        return {
            "backend": self.backend,
            "server": "Neo4j",
            "version": kernel[0]["version"] if kernel else info.agent.partition("/")[2],
            "edition": kernel[0]["edition"] if kernel else None,
            "agent": info.agent,
            "protocol": ".".join(map(str, info.protocol_version)),
            "address": str(info.address),
            "uri": self.config.redacted_uri,
            "user": self.config.neo4j_user,
            "database": self.config.neo4j_database,
            "gds": bool(self.run("admin/gds").scalar()),
        }

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _identifier(name: str) -> str:
    """A column name of refnet's own query as a Cypher identifier, backquoted."""
    return "`" + name.replace("`", "``") + "`"


def _translate(e: Exception, label: str, timeout_ms: int, where: str) -> errors.RefnetError:
    """Map a driver exception onto refnet's error tree; never leak the password."""
    if isinstance(e, errors.RefnetError):
        return e
    code = getattr(e, "code", None) or ""
    message = getattr(e, "message", None) or str(e)
    if isinstance(e, nx.IncompleteCommit):
        return errors.IncompleteCommit(f"{label}: the commit's outcome is unknown ({message})")
    if isinstance(e, nx.AuthError):
        refused = errors.StoreUnavailable(f"cannot sign in to {where}: {message}")
        refused.retryable = False  # the same password is refused again: no retry loop
        return refused
    if isinstance(e, nx.ServiceUnavailable | nx.SessionExpired | OSError):
        return errors.StoreUnavailable(f"cannot reach {where}: {message}")
    if "TransactionTimedOut" in code:
        return errors.QueryTimeout(f"{label} ran past its {timeout_ms} ms limit and was stopped")
    if isinstance(e, nx.ConstraintError):
        return errors.ConstraintViolation(f"{label}: {message}")
    if isinstance(e, nx.CypherSyntaxError | nx.CypherTypeError | nx.ClientError):
        return errors.BadQuery(f"{label}: {message}")
    if isinstance(e, nx.TransientError):
        error = errors.StoreUnavailable(f"{label}: transient error from {where}: {message}")
        return error
    if isinstance(e, nx.ConfigurationError | ValueError):
        return errors.ConfigError(f"bad Neo4j settings for {where}: {message}")
    return errors.StoreError(f"{label}: {type(e).__name__}: {message}")
