"""What a load reports, per file and per entity, and its record in the graph.

Every row read is booked once (written, duplicate or quarantined), so an entity's
counts balance; ``record_run`` keeps them on the run's ``(:LoadRun)`` node, where the
API and the compliance report read them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from refnet.graph import times
from refnet.graph.errors import BadInput, RefnetError
from refnet.graph.store import GraphStore, run_idempotent
from refnet.graph.text import shown
from refnet.queries.snapshot.update import Touched

__all__ = ["EntityCounts", "FileReport", "LoadReport", "TooManyBadRows", "parse_max_bad",
           "record_run"]


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
    # rows written with a note, by note: "self_invite" (a member the export names as
    # their own inviter, kept with no referrer; see profiles._no_self_invite)
    notes: dict[str, int] = field(default_factory=dict)

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
    # the keys the load placed, for updating the snapshot (None: it will be built in full)
    touched: Touched | None = field(default=None, repr=False, compare=False)

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
        raise BadInput(f"{shown(text)}: give a count (50) or a percentage (5%)") from None


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
