"""Turning results into what a person reads: tables with aligned numbers and units.

Each question has a module here (``render.downline`` ...) that turns its result
dataclass into rich tables; ``to_json`` gives the same result to machines.
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

from refnet.api.keys import ApiKey
from refnet.graph import times
from refnet.loaders.load import LoadReport
from refnet.queries.network import NetworkSummary

__all__ = [
    "instant", "keys_table", "load_tables", "money", "percent", "progress_bar", "summary_table",
    "to_json",
]


def instant(epoch_ms: int | None) -> str:
    """Epoch ms as ``2026-10-01 20:00 Asia/Shanghai`` (the zone ``--tz`` chose); None as
    an em dash."""
    if epoch_ms is None:
        return "—"
    return times.minutes(epoch_ms)


def money(minor: int, symbol: str = "¥") -> str:
    """Minor units (fen) as ``¥1,234.50``."""
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), 100)
    return f"{sign}{symbol}{whole:,}.{cents:02d}"


def percent(fraction: float | None, digits: int = 1) -> str:
    """A fraction as ``12.5%``; None (nothing to divide by) as an em dash."""
    return "—" if fraction is None else f"{fraction:.{digits}%}"


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
    table = Table(title="Network", show_header=False, title_justify="left")
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_column("", style="dim")
    rows = [
        ("Members", f"{s.members:,}", ""),
        ("Organizations", f"{s.organizations:,}", f"{s.roots:,} members without a referrer"),
        ("Deepest chain", f"{s.depth:,}", "levels below its root"),
        ("Trust edges", f"{s.trust_edges:,}", ""),
        ("Shares", f"{s.shares:,}", ""),
        ("Clicks", f"{s.clicks:,}", ""),
        ("Purchases", f"{s.purchases:,}", ""),
        ("GMV", money(s.gmv), "paid and settled"),
        ("Commission", money(s.commission), "paid and settled"),
    ]
    for tree in s.largest:
        share = tree.members / s.members if s.members else 0
        rows.append((f"  tree {tree.root}", f"{tree.members:,}", f"{share:6.1%} of members"))
    for row in rows:
        table.add_row(*row)
    return table


def load_tables(report: LoadReport) -> list[Table]:
    """Files (which profile read each, how fast) and entities (where every row went)."""
    files = Table(title=f"Load {report.load_id}", title_justify="left")
    for name in ("file", "profile", "records", "unreadable", "time", "records/s"):
        files.add_column(name, justify="left" if name in ("file", "profile") else "right")
    for f in report.files:
        rate = f.records / f.seconds if f.seconds else 0
        profile = f.profile + (" (detected)" if f.detected else "")
        files.add_row(Path(f.path).name, profile, f"{f.records:,}", f"{f.quarantined:,}",
                      f"{f.seconds:,.1f} s", f"{rate:,.0f}")
    rate = report.records / report.seconds if report.seconds else 0
    files.add_section()
    files.add_row("total", "", f"{report.records:,}",
                  f"{sum(f.quarantined for f in report.files):,}", f"{report.seconds:,.1f} s",
                  f"{rate:,.0f}")
    entities = Table(title="Rows (rows = written + duplicates + quarantined)",
                     title_justify="left")
    for name in ("entity", "rows", "written", "duplicates", "quarantined", "balanced"):
        entities.add_column(name, justify="left" if name == "entity" else "right")
    for entity, c in report.entities.items():
        entities.add_row(entity, f"{c.rows:,}", f"{c.written:,}", f"{c.duplicates:,}",
                         f"{c.quarantined:,}", "yes" if c.balanced else "[red]NO[/]")
    notes = [f"{n:,} {entity} {note}" for entity, c in report.entities.items()
             for note, n in sorted(c.notes.items())]
    if notes:
        entities.caption = "written with a note: " + ", ".join(notes)
    return [files, entities]


def keys_table(keys: list[ApiKey]) -> Table:
    table = Table(title="API keys", title_justify="left")
    for name in ("id", "role", "scope", "name", "created", "state"):
        table.add_column(name, no_wrap=name in ("id", "created"))
    for k in keys:
        state = "active" if k.active else f"[dim]revoked {instant(k.revoked_at)}[/]"
        table.add_row(k.id, k.role, k.scope, k.name or "", instant(k.created_at), state)
    if not keys:
        table.caption = "no keys yet: refnet keys create --role admin"
    return table
