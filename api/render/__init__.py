"""Turning results into what a person reads: tables with aligned numbers and units.

Each question has a module here (``render.downline`` ...) that turns its result
dataclass into rich tables; ``to_json`` gives the same result to machines. Every label
goes through the message catalogue (``refnet.api.language``): Chinese at the terminal
unless ``--lang en``; codes (flag codes, statuses, column keys of JSON) stay as they are.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from refnet.api.formats import percent
from refnet.api.formats import yuan as money
from refnet.api.keys import ApiKey
from refnet.api.language import ENTITY_WORDS, _
from refnet.graph import times
from refnet.loaders.load import LoadReport
from refnet.queries.network import NetworkSummary

__all__ = [
    "columns", "instant", "key_values", "keys_table", "load_tables", "money", "percent",
    "progress_bar", "shown", "summary_table", "to_json",
]


def instant(epoch_ms: int | None) -> str:
    """Epoch ms as ``2026-10-01 20:00 Asia/Shanghai`` (the zone ``--tz`` chose); None as
    an em dash."""
    if epoch_ms is None:
        return "—"
    return times.minutes(epoch_ms)


def shown(window: dict[str, Any]) -> tuple[str, str]:
    """An answer's window (ISO instants, as answers keep them) in the zone ``--tz`` chose."""
    return (times.local(times.parse_iso(window["since"])),
            times.local(times.parse_iso(window["as_of"])))


def to_json(result: Any) -> str:
    """A question's result dataclass as indented JSON (money stays in minor units)."""
    data = dataclasses.asdict(result) if dataclasses.is_dataclass(result) else result
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


class RateColumn(ProgressColumn):
    """Units per second: rows/s is the figure a load is judged by."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        shown = f"{speed:>9,.1f}" if speed and speed < 10 else f"{speed or 0:>9,.0f}"
        return Text(f"{shown if speed else '        —'} {self.unit}/s", style="cyan")


def progress_bar(console: Console, unit: str = "rows") -> Progress:
    return Progress(
        TextColumn("[bold]{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def summary_table(s: NetworkSummary) -> Table:
    rows = [
        (_("Members"), f"{s.members:,}", ""),
        (_("Organizations"), f"{s.organizations:,}",
         _("{n} members without a referrer").format(n=f"{s.roots:,}")),
        (_("Deepest chain"), f"{s.depth:,}", _("levels below its root")),
        (_("Trust edges"), f"{s.trust_edges:,}", ""),
        (_("Shares"), f"{s.shares:,}", ""),
        (_("Clicks"), f"{s.clicks:,}", ""),
        (_("Purchases"), f"{s.purchases:,}", ""),
        (_("GMV"), money(s.gmv), _("paid and settled")),
        (_("Commission"), money(s.commission), _("paid and settled")),
    ]
    for tree in s.largest:
        share = tree.members / s.members if s.members else 0
        rows.append((_("  tree {root}").format(root=tree.root), f"{tree.members:,}",
                     _("{share} of members").format(share=f"{share:6.1%}")))
    return key_values(_("Network"), rows)


def key_values(title: str, rows: list[tuple[str, str, str]], **options: Any) -> Table:
    """A headerless table of label, value (right-aligned) and a dim note per row: the
    summaries every question starts with."""
    table = Table(title=title, show_header=False, title_justify="left", **options)
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_column("", style="dim")
    for row in rows:
        table.add_row(*row)
    return table


def columns(table: Table, names: list[str], left: tuple[str, ...] = ()) -> Table:
    """Add headed columns, numbers right-aligned and the names in ``left`` left-aligned."""
    for name in names:
        table.add_column(name, justify="left" if name in left else "right")
    return table


def load_tables(report: LoadReport) -> list[Table]:
    """Files (which profile read each, how fast) and entities (where every row went)."""
    files = columns(Table(title=_("Load {id}").format(id=report.load_id), title_justify="left"),
                    [_("file"), _("profile"), _("records"), _("unreadable"), _("time"),
                     _("records/s")], left=(_("file"), _("profile")))
    for f in report.files:
        rate = f.records / f.seconds if f.seconds else 0
        profile = f.profile + (_(" (detected)") if f.detected else "")
        files.add_row(Path(f.path).name, profile, f"{f.records:,}", f"{f.quarantined:,}",
                      f"{f.seconds:,.1f} s", f"{rate:,.0f}")
    rate = report.records / report.seconds if report.seconds else 0
    files.add_section()
    files.add_row(_("total"), "", f"{report.records:,}",
                  f"{sum(f.quarantined for f in report.files):,}", f"{report.seconds:,.1f} s",
                  f"{rate:,.0f}")
    entities = columns(Table(title=_("Rows (rows = written + duplicates + quarantined)"),
                             title_justify="left"),
                       [_("entity"), _("rows"), _("written"), _("duplicates"), _("quarantined"),
                        _("balanced")], left=(_("entity"),))
    for entity, c in report.entities.items():
        entities.add_row(_(ENTITY_WORDS.get(entity, entity)), f"{c.rows:,}", f"{c.written:,}",
                         f"{c.duplicates:,}", f"{c.quarantined:,}",
                         _("yes") if c.balanced else f"[red]{_('NO')}[/]")
    notes = [f"{n:,} {entity} {note}" for entity, c in report.entities.items()
             for note, n in sorted(c.notes.items())]
    if notes:
        entities.caption = _("written with a note: ") + ", ".join(notes)
    return [files, entities]


def keys_table(keys: list[ApiKey]) -> Table:
    table = Table(title=_("API keys"), title_justify="left")
    for name, wrap in ((_("id"), False), (_("role"), True), (_("scope"), True),
                       (_("name"), True), (_("created"), False), (_("state"), True)):
        table.add_column(name, no_wrap=not wrap)
    for k in keys:
        state = (_("active") if k.active
                 else f"[dim]{_('revoked {when}').format(when=instant(k.revoked_at))}[/]")
        table.add_row(k.id, k.role, k.scope, k.name or "", instant(k.created_at), state)
    if not keys:
        table.caption = _("no keys yet: refnet keys create --role admin")
    return table
