"""Downline health and the upline as tables a person reads.

``tables(health)`` gives the summary, the levels, the branches (top and dead) and the
recruits distribution; ``upline_table(upline)`` the chain from the root down.
"""

from __future__ import annotations

from rich.table import Table

from refnet.api.render import money, percent
from refnet.graph.times import local as format_instant
from refnet.queries.downline import Branch, DownlineHealth, Upline
from refnet.queries.stats import ratio

__all__ = ["brief", "tables", "upline_table"]


def tables(h: DownlineHealth) -> list[Table]:
    """Summary, levels, top branches, dead branches (if any) and recruits per member."""
    out = [_summary(h), _levels(h), _branches(h.branches, f"Top branches of {h.root} by GMV")]
    if h.dead:
        shown = f" (largest {len(h.dead):,} shown)" if len(h.dead) < h.dead_branches else ""
        out.append(_branches(h.dead, f"Dead branches: no GMV in the window{shown}"))
    out.append(_recruits(h))
    return out


def brief(h: DownlineHealth) -> list[Table]:
    """The summary alone: what ``refnet demo`` shows."""
    return [_summary(h)]


def upline_table(u: Upline) -> Table:
    """The chain of referrers, root first, the member last."""
    as_of = format_instant(u.as_of) if u.as_of is not None else "everything stored"
    table = Table(title=f"Upline of {u.member} (as of {as_of}): {u.depth:,} referrals "
                        f"below {u.root}", title_justify="left")
    table.add_column("level", justify="right")
    table.add_column("member")
    table.add_column("joined")
    table.add_column("status")
    table.add_column("tier")
    for m in u.chain:
        joined = format_instant(m.joined_at) if m.joined_at is not None else "—"
        table.add_row(f"{m.level:,}", m.id, joined, m.status or "—", m.tier or "—")
    return table


def _summary(h: DownlineHealth) -> Table:
    t = h.totals
    c = h.concentration
    table = Table(title=f"Downline of {h.root}", show_header=False, title_justify="left")
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_column("", style="dim")
    cut = f"cut at {h.max_depth} levels" if h.max_depth is not None else "whole tree"
    rows = [
        ("Window", f"{format_instant(h.since)} .. {format_instant(h.as_of)}",
         "since < t <= as of"),
        ("Downline", f"{h.size:,}", "members below the root"),
        ("Depth", f"{h.depth:,}", f"levels below the root ({cut})"),
        ("Branches", f"{c.branches:,}", f"{h.dead_branches:,} dead "
                                        f"({h.dead_branch_members:,} members)"),
        ("Active", f"{t.active:,}", f"{percent(t.active_rate)} bought or sold in the window"),
        ("Inactive", f"{t.inactive:,}", ""),
        ("Never bought", f"{t.never_bought:,}", "no paid purchase as buyer, ever"),
        ("New recruits", f"{t.new_recruits:,}", f"{t.new_recruits_prev:,} the window before"),
        ("Churned", f"{t.churned:,}", "active the window before, not in this one"),
        ("GMV (sold)", money(t.gmv), f"{money(t.gmv_prev)} the window before"),
        ("  entry packages", money(t.entry_gmv), percent(ratio(t.entry_gmv, t.gmv))),
        ("Commission", money(t.commission), "on the GMV sold"),
        ("Bought by members", money(t.bought_gmv), "their own purchases"),
        ("Top branch", percent(c.top1_share), "of the downline's GMV"),
        ("Top 3 branches", percent(c.top3_share), "of the downline's GMV"),
        ("Gini (branches)", "—" if c.gini is None else f"{c.gini:.3f}",
         "0 = equal GMV per branch, 1 = all in one"),
    ]
    for row in rows:
        table.add_row(*row)
    return table


def _levels(h: DownlineHealth) -> Table:
    table = Table(title="Per level (0 = the root; GMV = sold by the level's members)",
                  title_justify="left")
    for name in ("level", "members", "active", "active %", "never bought", "new", "churned",
                 "orders", "GMV ¥", "commission ¥", "entry pkg ¥", "bought ¥"):
        table.add_column(name, justify="right")
    for lv in h.levels:
        table.add_row(
            f"{lv.level:,}", f"{lv.members:,}", f"{lv.active:,}", percent(lv.active_rate),
            f"{lv.never_bought:,}", f"{lv.new_recruits:,}", f"{lv.churned:,}",
            f"{lv.orders:,}", money(lv.gmv), money(lv.commission), money(lv.entry_gmv),
            money(lv.bought_gmv),
        )
    t = h.totals
    table.add_section()
    table.add_row("1+", f"{t.members:,}", f"{t.active:,}", percent(t.active_rate),
                  f"{t.never_bought:,}", f"{t.new_recruits:,}", f"{t.churned:,}",
                  f"{t.orders:,}", money(t.gmv), money(t.commission), money(t.entry_gmv),
                  money(t.bought_gmv))
    return table


def _branches(branches: list[Branch], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("branch")
    for name in ("members", "depth", "active", "active %", "new", "churned", "GMV ¥",
                 "GMV share", "entry pkg ¥", "commission ¥"):
        table.add_column(name, justify="right")
    for b in branches:
        table.add_row(
            b.id, f"{b.members:,}", f"{b.depth:,}", f"{b.active:,}", percent(b.active_rate),
            f"{b.new_recruits:,}", f"{b.churned:,}", money(b.gmv), percent(b.gmv_share),
            money(b.entry_gmv), money(b.commission),
        )
    return table


def _recruits(h: DownlineHealth) -> Table:
    r = h.recruits
    mean = "—" if r.mean is None else f"{r.mean:,.2f}"
    who = ", ".join(f"{x.id} ({x.recruits:,})" for x in r.top[:5]) or "—"
    table = Table(title="Recruits per member", title_justify="left",
                  caption=f"mean {mean}; most: {who}", caption_justify="left")
    table.add_column("recruits", justify="right")
    table.add_column("members", justify="right")
    table.add_column("share", justify="right")
    for b in r.buckets:
        table.add_row(b.label, f"{b.members:,}", percent(ratio(b.members, h.size)))
    return table
