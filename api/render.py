"""Turning results into what a person reads: tables with aligned numbers and units."""

from __future__ import annotations

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

from refnet.loaders.load import LoadReport
from refnet.queries.network import NetworkSummary

__all__ = ["load_table", "money", "progress_bar", "summary_table"]


def money(minor: int, symbol: str = "¥") -> str:
    """Minor units (fen) as ``¥1,234.50``."""
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), 100)
    return f"{sign}{symbol}{whole:,}.{cents:02d}"


class RateColumn(ProgressColumn):
    """Rows per second, the figure a load is judged by."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:>9,.0f} rows/s" if speed else "      — rows/s", style="cyan")


def progress_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
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


def load_table(report: LoadReport) -> Table:
    table = Table(title=f"Load {report.load_id}", title_justify="left")
    for name in ("file", "read", "written", "quarantined", "created", "time", "rows/s"):
        table.add_column(name, justify="left" if name == "file" else "right")
    for f in report.files:
        rate = f.read / f.seconds if f.seconds else 0
        table.add_row(
            f.entity, f"{f.read:,}", f"{f.sent:,}", f"{f.quarantined:,}", f"{f.created:,}",
            f"{f.seconds:,.1f} s", f"{rate:,.0f}",
        )
    table.add_section()
    table.add_row(
        "total", f"{report.rows:,}", f"{sum(f.sent for f in report.files):,}",
        f"{sum(f.quarantined for f in report.files):,}",
        f"{sum(f.created for f in report.files):,}",
        f"{report.seconds:,.1f} s", f"{report.rows_per_second:,.0f}",
    )
    return table
