"""Downline health and the upline as tables a person reads.

``tables(health)`` gives the summary, the levels, the branches (top and dead) and the
recruits distribution; ``upline_table(upline)`` the chain from the root down.
"""

from __future__ import annotations

from rich.table import Table

from refnet.api.language import _
from refnet.api.render import columns, key_values, money, percent
from refnet.graph.times import local as format_instant
from refnet.queries.downline import Branch, DownlineHealth, Upline
from refnet.queries.stats import ratio

__all__ = ["brief", "tables", "upline_table"]


def tables(h: DownlineHealth) -> list[Table]:
    """Summary, levels, top branches, dead branches (if any) and recruits per member."""
    out = [_summary(h), _levels(h),
           _branches(h.branches, _("Top branches of {root} by GMV").format(root=h.root))]
    if h.dead:
        shown = (_(" (largest {n} shown)").format(n=f"{len(h.dead):,}")
                 if len(h.dead) < h.dead_branches else "")
        out.append(_branches(h.dead, _("Dead branches: no GMV in the window") + shown))
    out.append(_recruits(h))
    return out


def brief(h: DownlineHealth) -> list[Table]:
    """The summary alone: what ``refnet demo`` shows."""
    return [_summary(h)]


def upline_table(u: Upline) -> Table:
    """The chain of referrers, root first, the member last."""
    as_of = format_instant(u.as_of) if u.as_of is not None else _("everything stored")
    title = _("Upline of {member} (as of {as_of}): {depth} referrals below {root}").format(
        member=u.member, as_of=as_of, depth=f"{u.depth:,}", root=u.root)
    table = columns(Table(title=title, title_justify="left"),
                    [_("level"), _("member"), _("joined"), _("status"), _("tier")],
                    left=(_("member"), _("joined"), _("status"), _("tier")))
    for m in u.chain:
        joined = format_instant(m.joined_at) if m.joined_at is not None else "—"
        table.add_row(f"{m.level:,}", m.id, joined, m.status or "—", m.tier or "—")
    return table


def _summary(h: DownlineHealth) -> Table:
    t = h.totals
    c = h.concentration
    cut = (_("cut at {n} levels").format(n=h.max_depth) if h.max_depth is not None
           else _("whole tree"))
    before = _("{value} the window before")
    return key_values(_("Downline of {root}").format(root=h.root), [
        (_("Window"), f"{format_instant(h.since)} .. {format_instant(h.as_of)}",
         _("since < t <= as of")),
        (_("Downline"), f"{h.size:,}", _("members below the root")),
        (_("Depth"), f"{h.depth:,}", _("levels below the root ({cut})").format(cut=cut)),
        (_("Branches"), f"{c.branches:,}", _("{dead} dead ({members} members)").format(
            dead=f"{h.dead_branches:,}", members=f"{h.dead_branch_members:,}")),
        (_("Active"), f"{t.active:,}",
         _("{share} bought or sold in the window").format(share=percent(t.active_rate))),
        (_("Inactive"), f"{t.inactive:,}", ""),
        (_("Never bought"), f"{t.never_bought:,}", _("no paid purchase as buyer, ever")),
        (_("New recruits"), f"{t.new_recruits:,}",
         before.format(value=f"{t.new_recruits_prev:,}")),
        (_("Churned"), f"{t.churned:,}", _("active the window before, not in this one")),
        (_("GMV (sold)"), money(t.gmv), before.format(value=money(t.gmv_prev))),
        (_("  entry packages"), money(t.entry_gmv), percent(ratio(t.entry_gmv, t.gmv))),
        (_("Commission"), money(t.commission), _("on the GMV sold")),
        (_("Bought by members"), money(t.bought_gmv), _("their own purchases")),
        (_("Top branch"), percent(c.top1_share), _("of the downline's GMV")),
        (_("Top 3 branches"), percent(c.top3_share), _("of the downline's GMV")),
        (_("Gini (branches)"), "—" if c.gini is None else f"{c.gini:.3f}",
         _("0 = equal GMV per branch, 1 = all in one")),
    ])


def _levels(h: DownlineHealth) -> Table:
    table = columns(
        Table(title=_("Per level (0 = the root; GMV = sold by the level's members)"),
              title_justify="left"),
        [_("level"), _("members"), _("active members"), _("active %"), _("never bought"),
         _("new"), _("churned"), _("orders"), _("GMV ¥"), _("commission ¥"), _("entry pkg ¥"),
         _("bought ¥")])
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
    table = columns(Table(title=title, title_justify="left"),
                    [_("branch"), _("members"), _("depth"), _("active members"), _("active %"),
                     _("new"), _("churned"), _("GMV ¥"), _("GMV share"), _("entry pkg ¥"),
                     _("commission ¥")], left=(_("branch"),))
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
    table = columns(Table(title=_("Recruits per member"), title_justify="left",
                          caption=_("mean {mean}; most: {who}").format(mean=mean, who=who),
                          caption_justify="left"),
                    [_("recruits"), _("members"), _("share")])
    for b in r.buckets:
        table.add_row(b.label, f"{b.members:,}", percent(ratio(b.members, h.size)))
    return table
