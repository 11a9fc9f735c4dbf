"""Load a directory of canonical CSV files into the store, idempotently.

Each file is streamed in batches and written with ``MERGE`` on natural keys, so a
second load of the same files changes nothing and a killed load, run again, ends in
the same graph. The load id is derived from the files' bytes for the same reason.
A row that cannot be parsed is written to the quarantine file with its line number
and reason; the report balances: read = sent + quarantined, per file.
"""

from __future__ import annotations

import csv
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refnet.graph.store import GraphStore

from . import canonical
from .canonical import CanonicalFile

__all__ = [
    "FileReport", "LoadReport", "load_directory", "load_id_for", "planned_work", "present_files",
]

BATCH_SIZE = 5_000
QUARANTINE_HEADER = ["file", "line", "reason", "row"]

# Each file is written in passes: every node step before the edges that need them.
# A step is (query name, the column a row must have for the step to apply).
PLAN: dict[str, list[list[tuple[str, str | None]]]] = {
    "members": [[("load/members", None)], [("load/referrals", "referrer_id")]],
    "accounts": [[("load/accounts", None)]],
    "products": [[("load/products", None)]],
    "trust": [[("load/trust", None)]],
    "shares": [[("load/shares", None)]],
    "clicks": [[("load/clicks", None)]],
    "purchases": [[
        ("load/purchases", None),
        ("load/purchase_buyers", "buyer_id"),
        ("load/purchase_promoters", "promoter_id"),
        ("load/purchase_shares", "share_id"),
    ]],
}


@dataclass
class FileReport:
    """What happened to one file's rows."""

    entity: str
    path: str
    read: int = 0
    sent: int = 0
    quarantined: int = 0
    created: int = 0  # nodes + relationships the store reports as new
    seconds: float = 0.0

    @property
    def balanced(self) -> bool:
        return self.read == self.sent + self.quarantined


@dataclass
class LoadReport:
    load_id: str
    source: str
    files: list[FileReport] = field(default_factory=list)
    quarantine: Path | None = None
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def load_id_for(paths: list[Path]) -> str:
    """A load id from the files' bytes: the same files always get the same id."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    return "load-" + digest.hexdigest()[:16]


def present_files(directory: Path) -> list[tuple[CanonicalFile, Path]]:
    """The canonical files in ``directory``, in load order; none at all is an error."""
    present = [(spec, directory / spec.filename) for spec in canonical.FILES
               if (directory / spec.filename).is_file()]
    if not present:
        names = ", ".join(f.filename for f in canonical.FILES)
        raise FileNotFoundError(f"no canonical files in {directory} (expected some of: {names})")
    return present


def planned_work(directory: Path) -> int:
    """Rows times passes over the files present: the total a progress bar counts to."""
    total = 0
    for spec, path in present_files(directory):
        with open(path, "rb") as f:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        total += max(lines - 1, 0) * len(PLAN[spec.entity])
    return total


def load_directory(
    store: GraphStore,
    directory: Path,
    *,
    quarantine_dir: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> LoadReport:
    """Load every canonical file present in ``directory``, in dependency order."""
    started = time.perf_counter()
    present = present_files(directory)
    load_id = load_id_for([path for _, path in present])
    quarantine_dir = quarantine_dir or directory
    report = LoadReport(load_id, str(directory), quarantine=quarantine_dir / f"{load_id}.bad.csv")
    store.ensure_schema()
    started_ms = int(time.time() * 1000)
    with _Quarantine(report.quarantine) as bad:
        for spec, path in present:
            report.files.append(_load_file(store, spec, path, load_id, bad, progress))
    report.seconds = time.perf_counter() - started
    _record_run(store, report, started_ms)
    if report.quarantine and not report.quarantine.exists():
        report.quarantine = None
    return report


def _load_file(
    store: GraphStore,
    spec: CanonicalFile,
    path: Path,
    load_id: str,
    bad: _Quarantine,
    progress: Callable[[str, int], None] | None,
) -> FileReport:
    started = time.perf_counter()
    file_report = FileReport(spec.entity, str(path))
    params = {"load_id": load_id, "source": "canonical"}
    passes = PLAN[spec.entity]
    for number, steps in enumerate(passes):
        first = number == 0
        for batch in _batches(_parse(spec, path, file_report if first else None, bad)):
            for name, needs in steps:
                rows = batch if needs is None else [r for r in batch if r.get(needs) is not None]
                if rows:
                    summary = store.write_batches(name, rows, params=params, batch_size=len(rows))
                    file_report.created += summary.counters.get("nodes_created", 0)
                    file_report.created += summary.counters.get("relationships_created", 0)
            if first:
                file_report.sent += len(batch)
            if progress is not None:
                progress(spec.entity, len(batch))
    file_report.seconds = time.perf_counter() - started
    return file_report


def _parse(
    spec: CanonicalFile, path: Path, report: FileReport | None, bad: _Quarantine
) -> Iterator[dict[str, Any]]:
    """Typed rows of one file; bad rows go to quarantine (counted on the first pass only)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        missing = [c.name for c in spec.columns if c.required and c.name not in header]
        if missing:
            raise ValueError(f"{path}: missing required columns {missing}")
        for raw in reader:
            if report is not None:
                report.read += 1
            try:
                yield {c.name: canonical.parse_value(c, raw.get(c.name)) for c in spec.columns}
            except ValueError as e:
                if report is not None:
                    report.quarantined += 1
                    bad.write(path, reader.line_num, str(e), raw)


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


class _Quarantine:
    """The quarantine CSV, created only when a first bad row arrives."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._file: Any = None
        self._writer: Any = None

    def write(self, source: Path, line: int, reason: str, row: dict[str, Any]) -> None:
        if self.path is None:
            return
        if self._writer is None:
            self._file = open(self.path, "w", newline="", encoding="utf-8")  # noqa: SIM115
            self._writer = csv.writer(self._file)
            self._writer.writerow(QUARANTINE_HEADER)
        self._writer.writerow([source.name, line, reason, json.dumps(row, ensure_ascii=False)])

    def __enter__(self) -> _Quarantine:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()


def _record_run(store: GraphStore, report: LoadReport, started_ms: int) -> None:
    counts = {f.entity: {"read": f.read, "sent": f.sent, "quarantined": f.quarantined}
              for f in report.files}
    store.run("load/load_run", {
        "id": report.load_id,
        "source": report.source,
        "profile": "canonical",
        "counts": json.dumps(counts, sort_keys=True),
        "started_at": started_ms,
        "finished_at": int(time.time() * 1000),
        "status": "finished",
    }, write=True)
