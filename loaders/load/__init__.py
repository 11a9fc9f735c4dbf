"""``refnet load``: files in, graph out, nothing lost.

Each file is read as a stream (readers), turned into canonical rows by its profile
(chosen, or recognised from the header), and written in batches (write) by one writer
thread, in the order they are handed over, while the next rows are read. A record
the profile cannot read goes to quarantine with its reason code; so does a row the
graph refuses (a second referrer, a referral cycle, a reference that never
appears). Rows naming something not loaded yet wait until the end of the load, when
every file has had its turn. The report balances per entity:
rows = written + duplicates + quarantined.

Loading is idempotent (every write creates only what is new), and the load id comes
from the files' bytes, so a load killed half-way and run again ends in the same
graph as an unbroken one. Rows proven new (their kind was empty when the load
started, their key not seen before: see fresh) skip the existence checks.

``load_paths`` runs it here; ``plan`` picks the files and the load id, ``loader`` batches
and books the rows, ``writer`` is its writer thread, ``report`` what comes back. A
finished load then builds the analytic snapshot of the new data version
(``build_snapshot``), so the first question after it does not pay for that; a failure
there is logged and does not fail the load.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from refnet.graph import times
from refnet.graph.errors import RefnetError
from refnet.graph.store import GraphStore
from refnet.queries import snapshot as snapshots
from refnet.queries.snapshot.update import Touched

from .. import profiles as profile_registry
from .. import readers, write
from ..fresh import Fresh
from ..heartbeat import Heartbeat
from ..profiles import Profile
from ..quarantine import Writer as Quarantine
from .loader import Loader
from .plan import load_id, plan_files
from .report import (
    EntityCounts,
    FileReport,
    LoadReport,
    TooManyBadRows,
    parse_max_bad,
    record_run,
)
from .writer import Writer

__all__ = ["BATCH_SIZE", "EntityCounts", "FileReport", "LoadReport", "TooManyBadRows",
           "build_snapshot", "load_id", "load_paths", "parse_max_bad", "plan_files",
           "record_run"]

BATCH_SIZE = 5_000  # rows per batch; read when a load starts, so tests can patch it here
PROGRESS_STEP = 1_000  # records per progress call (a progress bar update costs ~4 µs)


log = logging.getLogger("refnet.loaders")


def load_paths(
    store: GraphStore,
    paths: Iterable[Path],
    *,
    hasher: Callable[[str], str],
    profile: str | None = None,
    profile_dirs: Iterable[Path] = (),
    max_bad: int | float | None = None,
    quarantine_dir: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
    plan: list[tuple[Path, readers.Source, Profile, bool]] | None = None,
    snapshot: bool = True,
) -> LoadReport:
    """Load files (or directories of them); ``max_bad`` is a count, or a fraction < 1.

    The load ends by building the analytic snapshot of the version it made
    (``build_snapshot``); a background load (``jobs``) passes ``snapshot=False`` and
    builds it after releasing the files' lock, so a client that sees the run finished
    can start it again at once.

    ``quarantine_dir`` is where ``<load id>.bad.csv`` goes: the CLI and background loads
    pass ``<data dir>/loads`` (``jobs.loads_dir``). Without one (library use) it goes
    beside the first file, where a folder load skips it (``plan.OWN_SUFFIXES``).
    """
    started = time.perf_counter()
    plan = plan or plan_files(paths, profile_registry.load_profiles(profile_dirs), profile)
    run_id = load_id([p for p, *_ in plan])
    where = quarantine_dir or plan[0][0].parent
    report = LoadReport(run_id, quarantine=where / f"{run_id}.bad.csv",
                        entities={e: EntityCounts() for e in write.ENTITIES})
    store.ensure_schema()
    started_ms = times.now_ms()
    touched = snapshots.touched_from(store, store.config.data_dir)
    record_run(store, report, started_ms, "running")
    try:
        with Heartbeat(store, run_id, lambda: report.records):
            _load_files(store, report, plan, hasher, max_bad, progress, touched)
    except BaseException as e:
        with contextlib.suppress(RefnetError):  # the store may be why it failed
            record_run(store, report, started_ms, "failed", error=_failure(e))
        raise
    report.entities = {e: c for e, c in report.entities.items() if c.rows}
    report.seconds = time.perf_counter() - started
    record_run(store, report, started_ms, "finished")
    if report.quarantine and not report.quarantine.exists():
        report.quarantine = None
    report.touched = _alone(store, touched, report, started_ms)
    if snapshot:
        build_snapshot(store, progress, report.touched)
    return report


def _alone(store: GraphStore, touched: Touched | None, report: LoadReport,
           started_ms: int) -> Touched | None:
    """What the load touched, with the version it ended at, when no other load ran
    beside it (else its snapshot is built in full: the record would miss the other's rows).
    """
    if touched is None:
        return None
    touched.add("members", report.stubs)
    touched.version = snapshots.version_of(store)
    others = store.run("load/others_since", {"id": report.load_id, "since": started_ms})
    return None if others.scalar() else touched


def build_snapshot(store: GraphStore,
                   progress: Callable[[str, int], None] | None = None,
                   touched: Touched | None = None) -> bool:
    """Build and save the analytic snapshot of the data version a load just made, so the
    first question after the load does not pay for it (``queries.snapshot.current``);
    with what the load ``touched`` (``LoadReport.touched``), by updating the snapshot
    the load started from instead (``queries.snapshot.update``).

    The load is done and recorded by now: a failure here (a referral cycle, a full
    disk) is logged and the next question builds or answers from memory. Returns
    whether the snapshot is there.
    """
    if progress is not None:
        progress("snapshot", 0)  # the CLI's bar shows the stage
    try:
        snapshots.current(store, store.config.data_dir, touched=touched)
    except Exception:  # the load itself succeeded: never fail it here
        log.warning("the load finished but its analytic snapshot was not built",
                    exc_info=True)
        return False
    return True


def _load_files(store: GraphStore, report: LoadReport,
                plan: list[tuple[Path, readers.Source, Profile, bool]],
                hasher: Callable[[str], str], max_bad: int | float | None,
                progress: Callable[[str, int], None] | None, touched: Touched | None) -> None:
    # after recording this run: see at_start
    fresh = Fresh.at_start(store, report.load_id, _expected_rows(p for p, *_ in plan))
    with Quarantine(report.quarantine) as bad, Writer() as writer, _fewer_collections():
        loader = Loader(store, report, bad, {"load_id": report.load_id, "source": "load"},
                        max_bad, writer, fresh, batch_size=BATCH_SIZE, touched=touched)
        for path, source, prof, detected in plan:
            file_started = time.perf_counter()
            file_report = FileReport(str(path), prof.name, detected)
            report.files.append(file_report)
            unreported = 0  # records not yet passed to ``progress`` (it is told in steps)
            for record in readers.records(source):
                file_report.records += 1
                loader.take(path, record, prof, hasher, file_report)
                if progress is not None:
                    unreported += 1
                    if unreported == PROGRESS_STEP:
                        progress(path.name, unreported)
                        unreported = 0
            loader.flush_all()
            if progress is not None and unreported:
                progress(path.name, unreported)
            file_report.seconds = time.perf_counter() - file_started
        loader.finish()


def _expected_rows(paths: Iterable[Path]) -> int:
    """A generous guess at a load's row count from its bytes (canonical CSV: ~46 bytes
    a row; XLSX is compressed), for sizing the filter of rows proven new."""
    return sum(p.stat().st_size // (8 if p.suffix.lower() == ".xlsx" else 32) for p in paths)


def _failure(error: BaseException) -> str:
    """What a failed run records: refnet's own message, or only the kind of error."""
    if isinstance(error, RefnetError | OSError | ValueError):
        return f"{type(error).__name__}: {error}"[:500]
    if isinstance(error, KeyboardInterrupt):
        return "interrupted"
    return f"{type(error).__name__} (see the load's log)"


@contextlib.contextmanager
def _fewer_collections(young: int = 50_000) -> Iterator[None]:
    """Run the cyclic garbage collector rarely while a load runs.

    A load allocates millions of short-lived rows that reference counting frees, so
    the collector finds almost nothing, yet at the default thresholds it ran about
    17,000 times per 100k-member load and its full passes over every live object took
    4–5 s of the loader's 22 s of CPU. Collecting the youngest objects every 50,000
    allocations instead of 700 leaves a few dozen passes (0.2 s).
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(young, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
