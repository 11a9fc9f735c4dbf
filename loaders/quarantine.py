"""The quarantine file: every row a load refused, with where it came from and why.

A load writes ``<run id>.bad.csv`` (UTF-8, the csv module's default dialect) under its
quarantine directory, created only when a first bad row arrives, one row per refusal::

    file,line,entity,code,reason,values
    members.csv,7,referrals,second_referrer,"...","{""member_id"": ""y"", ...}"

``code`` is a reason code from ``records.REASONS``; ``values`` is the row as JSON; a cell
that a spreadsheet would run as a formula starts with ``'`` (see ``_inert``)
(personal values the profile names masked as ``***``). The load records the file's
absolute path on its ``(:LoadRun)`` as ``quarantine`` (null when nothing was refused),
so a reader finds it wherever the load put it: ``<data dir>/loads/`` for ``refnet load``
and for loads started through the API (never beside the inputs, where loading the folder
again would read it back as an export; ``plan`` skips ``*.bad.csv`` in a folder too).
This module owns the format: the loader writes it with ``Writer``, and
``read_refused_referrals`` reads the refused referrals back (the compliance report's
evidence).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["HEADER", "MASK", "Refused", "Writer", "read", "read_refused_referrals"]

HEADER = ["file", "line", "entity", "code", "reason", "values"]
MASK = "***"


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection:
# ``=cmd|' /C calc'!A0``); people open quarantine files in Excel, so such a cell gets a
# leading apostrophe, which Excel shows as text and hides. Every cell, the file name too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class Writer:
    """The quarantine CSV, created only when a first bad row arrives."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._file: Any = None
        self._writer: Any = None

    def write(self, source: str, line: int, entity: str, code: str, reason: str,
              values: Mapping[str, Any]) -> None:
        if self.path is None:
            return
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._file = open(self.path, "w", newline="", encoding="utf-8")  # noqa: SIM115
            self._writer = csv.writer(self._file)
            self._writer.writerow(HEADER)
        self._writer.writerow([_inert(v) for v in (
            source, line, entity, code, reason,
            json.dumps(values, ensure_ascii=False, default=str))])

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()


@dataclass(frozen=True)
class Refused:
    """One refused row as the quarantine file keeps it; ``values`` is the row's columns
    (the export's own names for a row refused on reading, the canonical ones for a row
    refused on writing), empty when the cell is not readable JSON."""

    file: str
    line: str
    entity: str
    code: str
    reason: str
    values: dict[str, Any]


def read(path: str | Path | None) -> list[Refused] | None:
    """Every row of a quarantine file, cells as written before ``_inert`` guarded them.

    None when there is no path, or the file is missing or unreadable (it may have been
    cleaned up; the run's counts still say how many rows were refused).
    """
    if not path:
        return None
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    out = []
    for row in rows:
        try:
            values = json.loads(row.get("values") or "{}")
        except ValueError:
            values = {}
        out.append(Refused(*(_live(row.get(k) or "") for k in HEADER[:5]),
                           values=values if isinstance(values, dict) else {}))
    return out


def read_refused_referrals(path: str | Path | None) -> list[tuple[str, list[str]]] | None:
    """(reason code, [referrer_id, member_id]) for each referral row in a quarantine file
    (None as ``read`` says). A row whose values are not readable JSON still counts, with
    ``"None"`` for the ids it lacks."""
    refused = read(path)
    if refused is None:
        return None
    return [(r.code or "unknown", [str(r.values.get("referrer_id")),
                                   str(r.values.get("member_id"))])
            for r in refused if r.entity == "referrals"]


def _live(text: str) -> str:
    """A cell as it was before ``_inert``: its guard apostrophe taken off."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text
