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
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refnet.graph import times
from refnet.graph.errors import BadInput, NotFound, RefnetError
from refnet.graph.store import GraphStore, run_idempotent
from refnet.graph.text import control_character

from .. import profiles as profile_registry
from .. import readers, write
from ..detect import detect
from ..fresh import Fresh
from ..heartbeat import Heartbeat
from ..profiles import Profile
from ..quarantine import MASK
from ..quarantine import Writer as Quarantine
from ..records import Record, Row, RowError

__all__ = ["EntityCounts", "FileReport", "LoadReport", "TooManyBadRows", "load_id",
           "load_paths", "parse_max_bad", "plan_files", "record_run"]

BATCH_SIZE = 5_000
PROGRESS_STEP = 1_000  # records per progress call (a progress bar update costs ~4 µs)
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".jsonl", ".json", ".ndjson")


class TooManyBadRows(RefnetError):
    """More rows were quarantined than the user allowed (``--max-bad``)."""

    code = "TOO_MANY_BAD_ROWS"


@dataclass
class EntityCounts:
    rows: int = 0
    written: int = 0
    duplicates: int = 0
    quarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # quarantined rows by reason code

    @property
    def balanced(self) -> bool:
        return self.rows == self.written + self.duplicates + self.quarantined


@dataclass
class FileReport:
    path: str
    profile: str
    detected: bool  # recognised from the header rather than named by the user
    records: int = 0
    quarantined: int = 0  # records the profile could not read
    seconds: float = 0.0


@dataclass
class LoadReport:
    load_id: str
    files: list[FileReport] = field(default_factory=list)
    entities: dict[str, EntityCounts] = field(default_factory=dict)
    stubs: list[str] = field(default_factory=list)  # members made for unclaimed accounts/ids
    quarantine: Path | None = None
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def bad(self) -> int:
        return sum(f.quarantined for f in self.files) + sum(
            c.quarantined for c in self.entities.values())

    @property
    def balanced(self) -> bool:
        return all(c.balanced for c in self.entities.values())


def parse_max_bad(text: str | None) -> int | float | None:
    """``--max-bad``: a count of bad rows ("50") or a share of those read ("5%").

    Any other text is ``BadInput``.
    """
    if text is None:
        return None
    try:
        if text.endswith("%"):
            fraction = float(text[:-1]) / 100
            if not 0 < fraction < 1:
                raise ValueError
            return fraction
        count = int(text)
        if count < 0:
            raise ValueError
        return count
    except ValueError:
        raise BadInput(f"{text!r}: give a count (50) or a percentage (5%)") from None


def plan_files(
    paths: Iterable[Path], profiles: Mapping[str, Profile], profile: str | None = None
) -> list[tuple[Path, readers.Source, Profile, bool]]:
    """Every data file under ``paths`` with its source and profile, in write order.

    A path that does not exist, or no data file at all, is ``NotFound``; an unknown
    profile name, or a header no profile (or more than one) matches, is ``BadInput``.
    """
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files += sorted(p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
        elif path.is_file():
            files.append(path)
        else:
            raise NotFound(f"{path} does not exist")
    if not files:
        raise NotFound(f"no data files in {', '.join(map(str, paths))}")
    planned = []
    for path in files:
        source = readers.open_source(path)
        if profile and profile != "auto":
            if profile not in profiles:
                raise BadInput(f"unknown profile {profile!r}; known: {', '.join(profiles)}")
            chosen, detected = profiles[profile], False
        else:
            try:
                chosen, detected = detect(source.header, profiles), True
            except BadInput as e:
                raise BadInput(f"{path}: {e}") from None
        planned.append((path, source, chosen, detected))
    order = {entity: i for i, entity in enumerate(write.ENTITIES)}
    planned.sort(key=lambda p: min(order[e] for e in p[2].entities))
    return planned


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
) -> LoadReport:
    """Load files (or directories of them); ``max_bad`` is a count, or a fraction < 1."""
    started = time.perf_counter()
    plan = plan or plan_files(paths, profile_registry.load_profiles(profile_dirs), profile)
    run_id = load_id([p for p, *_ in plan])
    where = quarantine_dir or plan[0][0].parent
    report = LoadReport(run_id, quarantine=where / f"{run_id}.bad.csv",
                        entities={e: EntityCounts() for e in write.ENTITIES})
    store.ensure_schema()
    started_ms = times.now_ms()
    record_run(store, report, started_ms, "running")
    try:
        with Heartbeat(store, run_id, lambda: report.records):
            _load_files(store, report, plan, hasher, max_bad, progress)
    except BaseException as e:
        with contextlib.suppress(RefnetError):  # the store may be why it failed
            record_run(store, report, started_ms, "failed", error=_failure(e))
        raise
    report.entities = {e: c for e, c in report.entities.items() if c.rows}
    report.seconds = time.perf_counter() - started
    record_run(store, report, started_ms, "finished")
    if report.quarantine and not report.quarantine.exists():
        report.quarantine = None
    return report


def _load_files(store: GraphStore, report: LoadReport,
                plan: list[tuple[Path, readers.Source, Profile, bool]],
                hasher: Callable[[str], str], max_bad: int | float | None,
                progress: Callable[[str, int], None] | None) -> None:
    # after recording this run: see at_start
    fresh = Fresh.at_start(store, report.load_id, _expected_rows(p for p, *_ in plan))
    with Quarantine(report.quarantine) as bad, _Writer() as writer, _fewer_collections():
        loader = _Loader(store, report, bad, {"load_id": report.load_id, "source": "load"},
                         max_bad, writer, fresh)
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


class _Loader:
    """Buffers rows per entity, writes them in order, keeps the books."""

    def __init__(self, store: GraphStore, report: LoadReport, bad: Quarantine,
                 params: dict[str, Any], max_bad: int | float | None,
                 writer: _Writer | None = None, fresh: Fresh | None = None) -> None:
        self.store, self.report, self.bad, self.params = store, report, bad, params
        self.max_bad = max_bad
        self.writer = writer  # None: write on this thread
        self.fresh = fresh  # None: check every row
        self.buffers: dict[str, list[Row]] = {e: [] for e in write.ENTITIES}
        # rows of write.HELD entities that wait to be checked in full batches
        self.held: dict[str, list[Row]] = {e: [] for e in write.HELD}
        self.waiting: list[Row] = []  # rows whose references have not appeared yet
        self.files: dict[int, Path] = {}

    def take(self, path: Path, record: Record, prof: Profile,
             hasher: Callable[[str], str], file_report: FileReport) -> None:
        if "_error" in record.values:
            self._reject_record(path, record, prof, "bad_value", str(record.values["_error"]),
                                file_report)
            return
        try:
            rows = prof.apply(record, hasher)
        except RowError as e:
            self._reject_record(path, record, prof, e.code, e.message, file_report)
            return
        for row in rows:
            row.extra["_file"] = path.name
            self._add(row)
            if row.entity == "members" and row.values.get("referrer_id") is not None:
                self._add(Row("referrals", {
                    "member_id": row.values["member_id"],
                    "referrer_id": row.values["referrer_id"],
                    "joined_at": row.values.get("joined_at"),
                }, row.line, {"_file": path.name}))

    def _add(self, row: Row) -> None:
        self.report.entities[row.entity].rows += 1
        problem = _clean(row)
        if problem:
            self._book(row.entity, write.Outcome(rejected=[(row, "bad_text", problem)]))
            return
        buffer = self.buffers[row.entity]
        buffer.append(row)
        if len(buffer) >= BATCH_SIZE:
            self.flush(row.entity)

    def flush(self, entity: str) -> None:
        """Write one entity's buffer, after every entity it may point at."""
        for earlier in write.ENTITIES[: write.ENTITIES.index(entity)]:
            if self.buffers[earlier]:
                self.flush(earlier)
        rows, self.buffers[entity] = self.buffers[entity], []
        if rows:
            self._submit(entity, rows, self.fresh)
        if len(self.held.get(entity, ())) >= BATCH_SIZE:
            self._submit_held(entity)

    def _submit_held(self, entity: str) -> None:
        held, self.held[entity] = self.held[entity], []
        for start in range(0, len(held), BATCH_SIZE):  # seen before: the checking path
            self._submit(entity, held[start:start + BATCH_SIZE], None)

    def _submit(self, entity: str, rows: list[Row], fresh: Fresh | None) -> None:
        store, params = self.store, self.params
        if entity == "purchases" and write.needs_attribution(rows):
            # promoters known only by an account are looked up first, in write order

            def job() -> tuple[str, list[str], write.Outcome]:
                stubs = write.attribute_accounts(store, rows, params, fresh)
                return entity, stubs, write.write_entity(store, entity, rows, params, fresh)
        else:
            hold = self.held.get(entity) if fresh and entity in fresh.entities else None
            send = write.prepare_entity(store, entity, rows, params, fresh, hold)

            def job() -> tuple[str, list[str], write.Outcome]:
                return entity, [], send()

        if self.writer is None:
            self._book_job(*job())
        else:
            self.writer.submit(job)
            self._book_done()

    def _book_job(self, entity: str, stubs: list[str], outcome: write.Outcome) -> None:
        self.report.stubs += stubs
        self._book(entity, outcome)

    def _book_done(self) -> None:
        """Book the batches the writer has finished, in the order they were handed over."""
        if self.writer is not None:
            for done in self.writer.finished():
                self._book_job(*done)

    def flush_all(self) -> None:
        for entity in write.ENTITIES:
            self.flush(entity)
            if self.held.get(entity):
                self._submit_held(entity)

    def finish(self) -> None:
        """Retry the rows that waited for references; stub named members, refuse the rest.

        These rows were seen before, so they take the checking path."""
        if self.writer is not None:
            self.writer.wait()
            self._book_done()
        waiting, self.waiting = self.waiting, []
        for entity in write.ENTITIES:
            rows = [r for r in waiting if r.entity == entity]
            if entity == "purchases":
                self._stub_members(rows)
            for start in range(0, len(rows), BATCH_SIZE):
                outcome = write.write_entity(self.store, entity, rows[start:start + BATCH_SIZE],
                                             self.params)
                for row in outcome.missing:
                    outcome.rejected.append((row, "unknown_reference", _missing_message(row)))
                outcome.missing = []
                self._book(entity, outcome)

    def _stub_members(self, rows: list[Row]) -> None:
        """Buyers and promoters an export names by member id become stub members."""
        ids = sorted({v for r in rows for v in (r.values.get("buyer_id"),
                                                 r.values.get("promoter_id")) if v})
        if ids:
            result, _ = run_idempotent(self.store, "load/stub_members",
                                       {**self.params, "keys": ids})
            if result.counters.get("nodes_created"):
                self.report.stubs += ids

    def _book(self, entity: str, outcome: write.Outcome) -> None:
        counts = self.report.entities[entity]
        counts.written += len(outcome.created)
        counts.duplicates += len(outcome.duplicates)
        self.waiting += outcome.missing
        for row, code, message in outcome.rejected:
            counts.quarantined += 1
            counts.reasons[code] = counts.reasons.get(code, 0) + 1
            self.bad.write(row.extra.get("_file", ""), row.line, entity, code, message,
                           row.values)
        self._check_limit()

    def _reject_record(self, path: Path, record: Record, prof: Profile, code: str,
                       message: str, file_report: FileReport) -> None:
        file_report.quarantined += 1
        personal = set(prof.personal_columns())
        values = {k: (MASK if k in personal and v not in (None, "") else v)
                  for k, v in record.values.items()}
        self.bad.write(path.name, record.line, ",".join(prof.entities), code, message, values)
        self._check_limit()

    def _check_limit(self) -> None:
        if self.max_bad is None:
            return
        bad, seen = self.report.bad, max(self.report.records, 1)
        limit = self.max_bad * seen if 0 < self.max_bad < 1 else self.max_bad
        if bad > limit:
            shown = f"{self.max_bad:.0%}" if 0 < self.max_bad < 1 else f"{int(self.max_bad):,}"
            raise TooManyBadRows(
                f"{bad:,} bad rows, past the limit of {shown}; the load stopped. Rows "
                f"written so far stay (loading again is safe); see {self.report.quarantine}"
            )


def _clean(row: Row) -> str | None:
    """Trim text and make empty text null; say why a value cannot be stored."""
    values = row.values
    for key, value in values.items():
        if type(value) is str or isinstance(value, str):
            text = value.strip()
            if control_character(text) is not None:
                return f"{key} contains a control character (U+0000 or U+0001)"
            if text is not value or not text:  # strip() hands back a clean str itself
                values[key] = text or None
    return None


def _missing_message(row: Row) -> str:
    refs = {k: v for k, v in row.values.items()
            if k.endswith("_id") and v is not None and k not in write.KEYS[row.entity][:1]}
    named = ", ".join(f"{k}={v}" for k, v in refs.items())
    return f"names something that is not in the graph ({named})"


def load_id(paths: list[Path]) -> str:
    """A load id from the files' bytes: the same files always get the same id."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    return "load-" + digest.hexdigest()[:16]


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


class _Writer:
    """Runs the loader's batch writes on one thread, in the order they were handed over.

    Reading and applying profiles (Python) then overlaps the store's work on the
    previous batch. Writes keep their order (one thread, a FIFO queue), so every
    batch still runs after the batches of the entities it may point at. Outcomes come
    back in the same order and are booked by the loader's own thread, which is also
    the only one writing the quarantine file. The queue is bounded: the reader is at
    most ``depth`` batches ahead, so memory stays flat. An error in a write is raised
    to the loader at its next hand-over; once the load stops, queued writes are dropped.

    While it runs, the interpreter's thread switch interval is 0.5 ms instead of 5 ms:
    when the server answers, the writer waits for the reading thread to hand over the
    GIL before it can book the answer and send the next batch, and the server idles
    meanwhile (20k members: 2.6 s of such waits at 5 ms, 1.3 s at 0.5 ms).
    """

    SWITCH_INTERVAL = 0.0005

    def __init__(self, depth: int = 2) -> None:
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, self.SWITCH_INTERVAL))
        self._jobs: queue.Queue[Callable[[], Any] | None] = queue.Queue(maxsize=depth)
        self._done: deque[Any] = deque()
        self._error: BaseException | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="refnet-load-writer",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                if self._error is None and not self._stopped:
                    self._done.append(job())
            except BaseException as e:  # handed to the loader's thread
                self._error = e
            finally:
                self._jobs.task_done()
        self._jobs.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            self._stopped = True
            raise error

    def submit(self, job: Callable[[], Any]) -> None:
        self._raise()
        self._jobs.put(job)

    def finished(self) -> Iterator[Any]:
        """Outcomes of the jobs done so far, oldest first; then a write's error, if any."""
        while self._done:
            yield self._done.popleft()
        self._raise()

    def wait(self) -> None:
        """Until every job handed over has run; raises a write's error."""
        self._jobs.join()
        self._raise()

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped = True
        self._jobs.put(None)
        self._thread.join()
        sys.setswitchinterval(self._switch_interval)


def record_run(store: GraphStore, report: LoadReport, started_ms: int, status: str,
               error: str | None = None) -> None:
    """Write the run's ``(:LoadRun)``: queued, running, finished or failed.

    ``quarantine`` is the quarantine file's absolute path once a row went there (null
    before, or when none did): readers such as the compliance report find it there,
    wherever the load put it (see ``quarantine.py``).
    """
    counts = {e: vars(c) for e, c in report.entities.items() if c.rows}
    bad_file = report.quarantine
    quarantine = (str(bad_file.resolve()) if report.bad and bad_file is not None
                  and bad_file.exists() else None)
    run_idempotent(store, "load/load_run", {
        "id": report.load_id,
        "source": json.dumps([f.path for f in report.files], ensure_ascii=False) or "[]",
        "profile": ",".join(sorted({f.profile for f in report.files})) or "none",
        "counts": json.dumps(counts, sort_keys=True),
        "started_at": started_ms,
        "finished_at": times.now_ms(),
        "status": status,
        "records": report.records,
        "error": error,
        "quarantine": quarantine,
    })
