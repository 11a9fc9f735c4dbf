"""The case files refnet made, kept under ``<data_dir>/reports/``: ``<id>.<html|pdf>``
beside ``<id>.json`` (who asked, about whom, when, and the seal), written once, never
changed. The record's copy of the seal is what ``report verify`` trusts: a file's own
seal only shows it is whole, the kept one that refnet made it so."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

from refnet.graph.errors import BadInput, NotFound

__all__ = ["Record", "find", "keep", "listing", "where"]

ID: Final = re.compile(r"^CF-\d{8}-[0-9a-f]{8}$")


@dataclass(frozen=True)
class Record:
    """One case file made: what it is about and its seal."""

    id: str
    made_at: int  # epoch ms
    made_by: str  # the API key's id, or "cli"
    root: str  # the organizer whose organization it is about
    policy: str
    as_of: int
    data_version: str
    format: str  # html | pdf
    lang: str
    sha256: str  # the seal: of the file's bytes before its seal line
    length: int
    size: int  # the whole file's bytes, seal line included

    @property
    def filename(self) -> str:
        return f"{self.id}.{self.format}"


def where(data_dir: Path) -> Path:
    return Path(data_dir) / "reports"


def keep(data_dir: Path, record: Record, data: bytes) -> Path:
    """Write the file and its record (the record last: a listed report is complete)."""
    folder = where(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / record.filename
    _write_new(path, data)
    _write_new(folder / f"{record.id}.json",
               json.dumps(asdict(record), ensure_ascii=False, indent=1).encode())
    return path


def find(data_dir: Path, report_id: str) -> tuple[Record, Path]:
    """The record and the file of ``report_id``; ``NotFound`` when refnet made none."""
    if not isinstance(report_id, str) or not ID.match(report_id):
        raise BadInput(f"not a case file id: {str(report_id)[:40]!r} (like CF-20261205-1a2b3c4d)")
    meta = where(data_dir) / f"{report_id}.json"
    if not meta.is_file():
        raise NotFound(f"no case file {report_id} in {where(data_dir)}")
    record = Record(**json.loads(meta.read_text()))
    return record, where(data_dir) / record.filename


def listing(data_dir: Path) -> list[Record]:
    """Every case file kept, newest first."""
    folder = where(data_dir)
    if not folder.is_dir():
        return []
    records = [Record(**json.loads(p.read_text())) for p in folder.glob("CF-*.json")]
    return sorted(records, key=lambda r: (r.made_at, r.id), reverse=True)


def _write_new(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all, and never over another file."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise BadInput(f"{path.name} exists already; case files are never overwritten"
                       ) from None
    finally:
        tmp.unlink()
