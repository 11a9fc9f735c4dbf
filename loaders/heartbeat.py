"""A running load's heartbeat: proof, on its ``(:LoadRun)``, that its process lives.

A load killed with ``kill -9`` (or by a lost machine) cannot record how it ended, so
its run would say ``running`` for ever. Two things must not trust that word:

- other loads, which write nothing create-only while another load runs (two loads
  creating the same key at once would make two nodes: see ``fresh``), so one dead
  run would slow every later load into an empty graph to the checking path;
- people and clients polling ``loadRun``, who would wait for a load that is gone.

So every few seconds a thread writes the records read so far and the server's clock
(``timestamp()``, one clock for every writer) onto the run. A run whose last beat is
older than a minute has stopped: the queries that count other loads and the API's
status say so (``load/*_new``, ``load/empty_kinds``, ``api/load_run*``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from refnet.graph.errors import RefnetError
from refnet.graph.store import GraphStore

__all__ = ["BEAT_EVERY_S", "Heartbeat"]

BEAT_EVERY_S = 2.0  # 30 beats inside the minute after which a run counts as stopped


class Heartbeat:
    """Beats for one run from a daemon thread while the ``with`` block runs."""

    def __init__(self, store: GraphStore, run_id: str, records: Callable[[], int]) -> None:
        self._store, self._run_id, self._records = store, run_id, records
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="refnet-load-heartbeat",
                                        daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(BEAT_EVERY_S):
            # A missed beat costs nothing: the load's own writes report a store that
            # went away, and one late beat is far inside the minute.
            with contextlib.suppress(RefnetError):
                self._store.run("load/load_progress",
                                {"id": self._run_id, "records": self._records()}, write=True)
