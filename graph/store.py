"""The store protocol every backend implements (``refnet.graph.connect`` opens one).

One path reaches the database: ``run(name, params)``. It looks the query up by
name, applies the time limit and the row cap, and turns the driver's exceptions into
refnet's error tree, so callers never see a driver type. ``columns(name, params)`` is
the same read answered column by column, for bulk reads (the analytic snapshot) that
turn whole columns into arrays: a backend may build the columns without a Python value
per row first. Writes go through
``write_batches``, which sends ``UNWIND $rows`` batches and retries a batch only on
errors marked retryable: every refnet write is an idempotent ``MERGE``, so running
a batch twice is safe even when the first outcome is unknown.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol, runtime_checkable

from . import cypher
from .config import Config
from .errors import RefnetError

__all__ = [
    "GraphStore", "Result", "WriteSummary", "batched", "run_idempotent", "write_in_batches",
]

Params = Mapping[str, Any]
RETRIES = 3


@dataclass(frozen=True)
class Result:
    """Rows of one query, with the column names and the store's write counters."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    counters: dict[str, int] = field(default_factory=dict)
    elapsed_ms: float = 0.0

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def single(self) -> dict[str, Any]:
        """The one row a query promises (aggregates); an empty result is a bug."""
        if len(self.rows) != 1:
            raise RefnetError(f"expected one row, got {len(self.rows)}")
        return self.records()[0]

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def by_column(self) -> dict[str, list[Any]]:
        """The rows as one list per column, in the query's column order."""
        if not self.rows:
            return {name: [] for name in self.columns}
        return dict(zip(self.columns, map(list, zip(*self.rows, strict=True)), strict=True))


@dataclass
class WriteSummary:
    """What a batched write did, added up over its batches."""

    rows: int = 0
    batches: int = 0
    retries: int = 0
    counters: dict[str, int] = field(default_factory=dict)
    elapsed_ms: float = 0.0

    def add(self, result: Result, rows: int) -> None:
        self.rows += rows
        self.batches += 1
        for key, value in result.counters.items():
            self.counters[key] = self.counters.get(key, 0) + value


@runtime_checkable
class GraphStore(Protocol):
    """What refnet needs from a graph database."""

    backend: str  # "embedded" or "neo4j"
    dialect: str  # which .cypher overrides apply: "falkordb" or "neo4j"
    config: Config

    def run(
        self,
        name: str,
        params: Params | None = None,
        *,
        write: bool = False,
        timeout_ms: int | None = None,
        max_rows: int | None = None,
    ) -> Result:
        """Run the named query; reads go to read transactions / read-only queries."""
        ...

    def columns(
        self,
        name: str,
        params: Params | None = None,
        *,
        timeout_ms: int | None = None,
        max_rows: int | None = None,
    ) -> dict[str, list[Any]]:
        """Run the named read; its answer as one list per column (``Result.by_column``),
        the same values ``run`` gives, under the same limits."""
        ...

    def write_batches(
        self,
        name: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        params: Params | None = None,
        batch_size: int = 5_000,
        progress: Callable[[int], None] | None = None,
    ) -> WriteSummary:
        """Send ``rows`` to the named query as ``$rows``, one batch at a time."""
        ...

    def ensure_schema(self) -> list[str]:
        """Create missing constraints and indexes; return what was created."""
        ...

    def clear(self) -> None:
        """Delete the network, every node but API keys; keep the schema."""
        ...

    def server_info(self) -> dict[str, Any]: ...

    def close(self) -> None: ...

    def __enter__(self) -> GraphStore: ...

    def __exit__(self, *exc: object) -> None: ...


def batched(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def row_lists(store: GraphStore, name: str, rows: Iterable[Mapping[str, Any]]
              ) -> list[list[Any]]:
    """Rows as query ``name`` reads them from ``$rows``: lists in its field order
    (``cypher.row_columns``), each starting with the row's index ``i``; a field the
    row lacks is null."""
    fields = cypher.row_columns(name, store.dialect)[1:]
    return [[i, *map(row.get, fields)] for i, row in enumerate(rows)]


def run_idempotent(store: GraphStore, name: str, params: Params) -> tuple[Result, int]:
    """Run a write that is safe to repeat, retrying errors marked retryable.

    Safe because every refnet write creates only what is missing: a batch whose
    commit outcome was unknown (``IncompleteCommit``) may simply run again.
    Returns the result and how many retries it took.
    """
    for attempt in range(RETRIES + 1):
        try:
            return store.run(name, params, write=True), attempt
        except RefnetError as e:
            if not e.is_retryable() or attempt == RETRIES:
                raise
            time.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


def write_in_batches(
    store: GraphStore,
    name: str,
    rows: Iterable[Mapping[str, Any]],
    params: Params | None,
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> WriteSummary:
    """The batching loop both backends share."""
    summary = WriteSummary()
    started = time.perf_counter()
    for batch in batched(rows, batch_size):
        result, retries = run_idempotent(
            store, name, {**(params or {}), "rows": row_lists(store, name, batch)})
        summary.retries += retries
        summary.add(result, len(batch))
        if progress is not None:
            progress(len(batch))
    summary.elapsed_ms = (time.perf_counter() - started) * 1000
    return summary
