"""The embedded backend: FalkorDB reached with the official ``falkordb`` client.

The client sends parameters as a ``CYPHER name=value`` header that it writes into
the query text, quoting strings itself; the tests feed hostile strings through every
parameter to hold it to that. Reads go through ``GRAPH.RO_QUERY``, so a read can
never write.
"""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from operator import itemgetter
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.helpers import stringify_param_value
from falkordb.query_result import parse_scalar

from . import cypher, errors, schema
from .config import Config
from .params import check_params
from .server import EmbeddedServer
from .store import Params, Result, WriteSummary, write_in_batches

__all__ = ["FalkorDBStore", "Prepared"]

# compact reply cell types (FalkorDB's client spec): null 1, string 2, integer 3,
# boolean 4 (sent as text), double 5 (sent as text)
_AS_SENT = frozenset({1, 2, 3})
_BOOLEAN = frozenset({1, 4})
_DOUBLE = frozenset({1, 5})
_COUNTERS = (
    "nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
    "properties_set", "properties_removed", "labels_added", "indices_created",
)


class Prepared(dict[str, Any]):
    """Parameters already checked and quoted into the client's ``CYPHER`` header.

    That Python work grows with the rows sent; ``FalkorDBStore.prepare`` does it on
    the caller's thread ahead of ``run``, so the loader prepares its next batch while
    the server runs the previous one. It is still a mapping of the parameters.
    """

    header: str = ""
    write: bool = False


class FalkorDBStore:
    """A graph in the embedded FalkorDB server (or any FalkorDB on a unix socket)."""

    backend = "embedded"
    dialect = "falkordb"

    def __init__(
        self, config: Config, socket: str, *, owned_server: EmbeddedServer | None = None
    ) -> None:
        self.config = config
        self.socket = socket
        self._server = owned_server
        try:
            self._db = FalkorDB(unix_socket_path=socket)
        except Exception as e:
            raise _translate(e, "connect", 0, socket) from e
        self._graph = self._select()

    def _select(self) -> Any:
        """Select the graph, creating its (empty) key: FalkorDB refuses reads on a missing key."""
        try:
            graph = self._db.select_graph(self.config.graph)
            graph.query("RETURN 1")
        except Exception as e:
            raise _translate(e, "open", 0, self.socket) from e
        return graph

    # -- the one path to the database --------------------------------------------------

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
        """Run query text with limits applied; only refnet's own text reaches here."""
        timeout, cap = self._limits(timeout_ms, max_rows)
        send = self._graph.query if write else self._graph.ro_query
        started = time.perf_counter()
        try:
            if not (isinstance(params, Prepared) and (params.write or not write)):
                params = self.prepare(params or {}, write=write)
            raw = send(params.header + text, timeout=timeout)
        except Exception as e:  # the client raises redis and plain exceptions alike
            raise _translate(e, label, timeout, self.socket) from e
        elapsed = (time.perf_counter() - started) * 1000
        rows = [tuple(row) for row in raw.result_set]
        if len(rows) > cap:
            raise errors.ResultTooLarge(f"{label} returned more than {cap:,} rows")
        columns = [str(h[1]) for h in raw.header] if raw.header else []
        counters = {c: int(getattr(raw, c)) for c in _COUNTERS if getattr(raw, c, 0)}
        if counters and write:
            self._check_persisted(label)
        return Result(columns, rows, counters, elapsed)

    def columns(
        self,
        name: str,
        params: Params | None = None,
        *,
        timeout_ms: int | None = None,
        max_rows: int | None = None,
    ) -> dict[str, list[Any]]:
        """A read answered column by column, straight from the compact reply.

        The falkordb client turns every cell (a ``[type, value]`` pair) into a value with
        a Python call each: for the snapshot's million rows, about half of its build.
        hiredis has already made the value of a null, a string or an integer, so a column
        of those is taken as it is; a double or a boolean travels as text and is read as
        the client reads it; any other type goes through the client's own parser. The
        cyclic garbage collector is paused meanwhile (``_GcPause``).
        """
        timeout, cap = self._limits(timeout_ms, max_rows)
        with _PAUSE_GC:
            try:
                header = (params if isinstance(params, Prepared)
                          else self.prepare(params or {})).header
                reply = self._db.connection.execute_command(
                    "GRAPH.RO_QUERY", self.config.graph,
                    header + cypher.load(name, self.dialect), "--compact", "timeout", timeout)
                if isinstance(reply[-1], Exception):  # an error met while running comes last
                    raise reply[-1]
            except Exception as e:
                raise _translate(e, name, timeout, self.socket) from e
            if len(reply) < 3:  # statistics only: the query returns no columns
                return {}
            names, rows = [str(h[1]) for h in reply[0]], reply[1]
            if len(rows) > cap:
                raise errors.ResultTooLarge(f"{name} returned more than {cap:,} rows")
            if not rows:
                return {column: [] for column in names}
            return {column: self._values(cells)
                    for column, cells in zip(names, zip(*rows, strict=True), strict=True)}

    def _values(self, cells: tuple[list[Any], ...]) -> list[Any]:
        """One column's compact cells as the values ``run`` gives."""
        kinds = set(map(itemgetter(0), cells))
        if kinds <= _AS_SENT:
            return list(map(itemgetter(1), cells))
        if kinds <= _DOUBLE:
            return [None if v is None else float(v) for _, v in cells]
        if kinds <= _BOOLEAN:
            return [None if v is None else v == "true" for _, v in cells]
        return [parse_scalar(cell, self._graph) for cell in cells]

    def _limits(self, timeout_ms: int | None, max_rows: int | None) -> tuple[int, int]:
        """The time limit (ms) and the row cap of one read, within the configured ones."""
        limits = self.config.limits
        timeout = min(timeout_ms or limits.timeout_ms, limits.timeout_max_ms)
        return timeout, limits.max_rows if max_rows is None else min(max_rows, limits.max_rows)

    def _check_persisted(self, label: str) -> None:
        """A change is acknowledged only once redis wrote it to the AOF.

        With ``appendfsync everysec`` redis answers a write whose AOF write failed (a
        full disk): it keeps the command buffered, refuses later writes with MISCONF,
        and a ``kill -9`` before space frees loses the answered one. Its
        ``aof_last_write_status`` is set before the answer leaves, so one ``INFO``
        after each changing write turns that answer into ``WritesRefused``.
        """
        status = self._command("INFO", "persistence").get("aof_last_write_status", "ok")
        if status != "ok":
            raise errors.WritesRefused(
                f"{label}: the embedded store could not write its append-only file (is "
                f"the disk of {self.config.data_dir} full?); this write is not kept unless "
                "the server writes it once space frees, and writes are refused until then")

    def prepare(self, params: Params, *, write: bool = False) -> Prepared:
        """Check the parameters and quote them the client's way, now; ``run`` sends them."""
        prepared = Prepared(check_params(dict(params), write=write))
        try:
            prepared.header = _header(prepared)
        except Exception as e:
            raise _translate(e, "prepare", 0, self.socket) from e
        prepared.write = write
        return prepared

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

    # -- schema and housekeeping -------------------------------------------------------

    def ensure_schema(self) -> list[str]:
        created = []
        existing = {
            (row[0], prop)
            for row in self.execute("CALL db.indexes() YIELD label, properties "
                                    "RETURN label, properties").rows
            for prop in row[1]
        }
        for label, prop in schema.index_targets():
            if (label, prop) not in existing:
                statement = schema.falkordb_index(label, prop)
                self.execute(statement, write=True, label="schema")
                created.append(statement)
        constraints = {
            (row[0], tuple(sorted(row[1])))  # FalkorDB lists a composite key's fields sorted
            for row in self.execute("CALL db.constraints() YIELD label, properties "
                                    "RETURN label, properties").rows
        }
        for key in schema.UNIQUE_KEYS:
            if (key.label, tuple(sorted(key.properties))) in constraints:
                continue
            self._command(
                "GRAPH.CONSTRAINT", "CREATE", self.config.graph, "UNIQUE", "NODE", key.label,
                "PROPERTIES", str(len(key.properties)), *key.properties,
            )
            created.append(f"UNIQUE {key.label}({', '.join(key.properties)})")
        self._wait_constraints_operational()
        return created

    def _wait_constraints_operational(self, timeout_s: float = 60.0) -> None:
        """FalkorDB builds constraints in the background; a failed one means duplicates."""
        deadline = time.monotonic() + timeout_s
        while True:
            rows = self.execute("CALL db.constraints() YIELD label, properties, status "
                                "RETURN label, properties, status").rows
            failed = [r for r in rows if r[2] == "FAILED"]
            if failed:
                raise errors.ConstraintViolation(
                    f"uniqueness constraint failed on existing data: {failed}"
                )
            if all(r[2] == "OPERATIONAL" for r in rows) or time.monotonic() > deadline:
                return
            time.sleep(0.05)

    def clear(self) -> None:
        """Delete the network (every node but API keys), keep the schema (``demo --fresh``)."""
        while self.run("admin/clear", {"batch": 50_000}, write=True).scalar():
            pass

    def server_info(self) -> dict[str, Any]:
        info = self._command("INFO", "server")
        version = None
        for entry in self._command("MODULE", "LIST"):
            fields = dict(zip(entry[::2], entry[1::2], strict=True))
            if fields.get("name") == "graph":
                version = _module_version(int(fields["ver"]))
        return {
            "backend": self.backend,
            "server": "FalkorDB",
            "version": version,
            "redis_version": info.get("redis_version"),
            "socket": self.socket,
            "graph": self.config.graph,
            "pid": info.get("process_id"),
        }

    def _command(self, *args: Any) -> Any:
        try:
            return self._db.connection.execute_command(*args)
        except Exception as e:
            raise _translate(e, str(args[0]), 0, self.socket) from e

    def close(self) -> None:
        try:
            self._db.connection.close()
        finally:
            if self._server is not None:
                self._server.stop()
                self._server = None

    def __enter__(self) -> FalkorDBStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _GcPause:
    """Pause Python's cyclic garbage collector while replies are parsed, across threads.

    A compact reply is a list per cell: hiredis makes millions of lists in a burst, none
    of them in a cycle, and each of them counts towards a collection that walks them
    all again; with the collector on, a 400,000-row reply took twice as long to read
    (1.9 s -> 1.0 s) and four times as long to turn into columns. Counted, so reads on
    several threads resume it only when the last ends, and only if it was on.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._readers = 0
        self._resume = False

    def __enter__(self) -> None:
        with self._lock:
            if not self._readers:
                self._resume = gc.isenabled()
                gc.disable()
            self._readers += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._readers -= 1
            if not self._readers and self._resume:
                gc.enable()


_PAUSE_GC = _GcPause()


def _module_version(ver: int) -> str:
    return f"{ver // 10000}.{ver // 100 % 100}.{ver % 100}"


def _header(params: Mapping[str, Any]) -> str:
    """The ``CYPHER name=value ... `` header the client writes ahead of the query text."""
    return "CYPHER " + "".join(f"{key}={_literal(value)} " for key, value in params.items())


def _literal(value: Any) -> str:
    """A parameter as Cypher literal text.

    A list of lists of plain values (the loader's ``$rows``) is written as JSON, in
    one C call, where the client's quoting makes a Python call per value (about a
    quarter of a load's Python). The two texts mean the same to FalkorDB: it reads
    JSON's escapes for quote, backslash and ``\\b \\f \\n \\r \\t``
    (tests/integration/test_store.py holds it to that), but not ``\\uXXXX``. So
    any text with ``\\u``, and any map (``{"``: JSON quotes keys, Cypher must not),
    goes the client's way; a string that merely contains those characters only costs
    the slower path.
    """
    if type(value) is list:
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False,
                              separators=(",", ":"))
        except (TypeError, ValueError):
            pass
        else:
            if '{"' not in text and "\\u" not in text:
                return text
    return stringify_param_value(value)


def _translate(e: Exception, label: str, timeout_ms: int, socket: str) -> errors.RefnetError:
    """Map a client exception onto refnet's error tree."""
    text = str(e)
    if isinstance(e, errors.RefnetError):
        return e
    if isinstance(e, redis.ConnectionError | redis.TimeoutError | ConnectionError | OSError):
        return errors.StoreUnavailable(f"the embedded store at {socket} is not reachable: {text}")
    if text.startswith("MISCONF"):  # redis refuses writes after a failed AOF write
        return errors.WritesRefused(
            f"{label}: the embedded store refuses writes: {text.removeprefix('MISCONF ')} "
            "(free space on the data directory's disk; writes resume by themselves)")
    if "timed out" in text.lower():
        return errors.QueryTimeout(f"{label} ran past its {timeout_ms} ms limit and was stopped")
    if "constraint violation" in text.lower():
        return errors.ConstraintViolation(f"{label}: {text}")
    if isinstance(e, redis.ResponseError | ValueError | TypeError):
        return errors.BadQuery(f"{label}: {text}")
    return errors.StoreError(f"{label}: {type(e).__name__}: {text}")
