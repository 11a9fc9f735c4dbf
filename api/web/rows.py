"""The rows the web app lists and exports: the member list's export, the load runs and
their refused rows (a sheet per input file, the rows' own columns restored)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from refnet.graph.errors import NotFound
from refnet.graph.store import GraphStore
from refnet.loaders import quarantine
from refnet.queries.downline.members import MemberRow

from .i18n import instant
from .labels import STATE_LABELS, STATUS_LABELS

__all__ = ["attachment", "export_rows", "file_safe", "load_run_row", "one_load_run",
           "refused_sheets", "refused_table", "status"]


def export_rows(rows: list[MemberRow]) -> Iterator[list[Any]]:
    """The export's rows (``EXPORT_COLUMNS``). The labels are translated once: a
    translation per cell cost a 42,000-row export 2.4 of its 11 profiled seconds."""
    states = {k: str(v) for k, v in STATE_LABELS.items()}
    statuses = {k: str(v) for k, v in STATUS_LABELS.items()}
    for r in rows:
        yield [r.id, r.level, r.branch, r.referrer, instant(r.joined_at), _state(r, states),
               "—" if r.status is None else statuses.get(r.status, r.status), r.tier or "",
               r.recruits, r.orders, r.gmv / 100, r.commission / 100, r.gmv_prev / 100,
               r.bought_gmv / 100, instant(r.last_bought)]


def load_run_row(row: dict[str, Any]) -> dict[str, Any]:
    """A load run's row with its counts read (stored as JSON) and summed."""
    counts = json.loads(row["counts"]) if row.get("counts") else {}
    total = {k: sum(int(c.get(k, 0) or 0) for c in counts.values() if isinstance(c, dict))
             for k in ("rows", "written", "duplicates", "quarantined")}
    try:  # the source is the files' paths as JSON: their names are what a reader knows
        files = [Path(f).name for f in json.loads(row.get("source") or "[]")]
    except (ValueError, TypeError):
        files = [row.get("source") or ""]
    return {**row, "counts": counts, "total": total, "files": files}


def one_load_run(store: GraphStore, run_id: str) -> dict[str, Any]:
    rows = store.run("schema/load_run", {"id": run_id}).records()
    if not rows:
        raise NotFound(f"no load {run_id!r}")
    return load_run_row(rows[0])


def _refused_columns(refused: list[quarantine.Refused]) -> list[str]:
    """The rows' own columns, in the order they first appear."""
    return list(dict.fromkeys(k for r in refused for k in r.values))


def refused_table(refused: list[quarantine.Refused]) -> tuple[list[str], list[list[Any]]]:
    """Where and why, then the row's own columns (not one JSON cell)."""
    columns = _refused_columns(refused)
    head = [str(_("File")), str(_("Line")), str(_("Kind")), str(_("Reason code")),
            str(_("Reason"))]
    return head + columns, [[r.file, r.line, r.entity, r.code, r.reason,
                             *(_cell(r.values.get(c)) for c in columns)] for r in refused]


def refused_sheets(refused: list[quarantine.Refused]) -> list[tuple[str, list[str], Any]]:
    """A sheet per input file, each with that file's own columns."""
    by_file: dict[str, list[quarantine.Refused]] = {}
    for r in refused:
        by_file.setdefault(r.file or "-", []).append(r)
    return [(name, *refused_table(rows)) for name, rows in by_file.items()]


def _cell(value: Any) -> Any:
    return "" if value is None else value if isinstance(value, (int, float, str)) \
        else json.dumps(value, ensure_ascii=False)


def status(value: str | None) -> str:
    """A member's or an order's status in the reader's language (as stored if unknown)."""
    return "—" if value is None else str(STATUS_LABELS.get(value, value))


def _state(r: MemberRow, labels: dict[str, str]) -> str:
    """The member's state in words (``labels``: ``STATE_LABELS`` translated), as the
    list's filter names them."""
    words = [labels["active"] if r.active else labels["inactive"]]
    if r.new:
        words.append(labels["new"])
    if r.churned:
        words.append(labels["churned"])
    if r.never_bought:
        words.append(labels["never_bought"])
    return "、".join(words)


def file_safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:40]


def attachment(name: str) -> str:
    """A Content-Disposition naming ``name`` (ASCII already: ``file_safe``)."""
    return f'attachment; filename="{name}"'
