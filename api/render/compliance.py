"""A compliance report for people: the policy, the totals, the checks, the flags.

The tables say what an auditor needs to recompute a flag: the policy's thresholds, the
window, the totals every ratio divides by, and each flag's numbers and evidence chain.
"""

from __future__ import annotations

from rich.table import Table

from refnet.graph.times import local as format_instant
from refnet.queries.compliance import ComplianceReport, Flag
from refnet.queries.compliance.policy import Policy

from ..language import _
from ..names import is_money, is_time
from ..words import PATTERN_WORDS, STATUS_LABELS, TIER_WORDS
from . import columns, key_values, money, percent, shown

__all__ = ["brief", "chain", "tables"]

SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow", "info": "dim"}
SHARE_KEYS = ("share", "max_share")
MAX_COLUMNS = 6  # organizations side by side in the month-by-month table


def tables(report: ComplianceReport) -> list[Table]:
    """Summary, policy, checks and flags; month-by-month growth for velocity flags."""
    out = [_summary(report), _policy(report.policy), _checks(report), _flags(report)]
    if report.opinion:
        out.append(_opinion(report))
    growth = [f for f in report.flags if f.timeline]
    if growth:
        out.append(_timeline(growth))
    charts = [f for f in report.flags if f.per_level and f.member]
    if charts:
        out.append(_levels(charts))
    return out


def brief(report: ComplianceReport) -> list[Table]:
    """The totals and the flags: what ``refnet demo`` shows."""
    return [_summary(report), _flags(report)]


def chain(path: list[str], keep: int = 3) -> str:
    """``a → b → … → y → z`` with the first and last ``keep`` members of a long chain."""
    if len(path) <= 2 * keep + 1:
        return " → ".join(path)
    return " → ".join([*path[:keep], f"…{len(path) - 2 * keep}…", *path[-keep:]])


def _summary(r: ComplianceReport) -> Table:
    t = r.totals
    scope = (_("the downline of {root}").format(root=r.root) if r.root
             else _("the whole network"))
    severities = r.by_severity()
    of_gmv = _("{share} of GMV")
    return key_values(_("Compliance ({policy}): {scope}").format(policy=r.policy.name,
                                                                 scope=scope), [
        (_("Window"), " – ".join(shown(r.window)),
         _("{n} days").format(n=f"{r.window['days']:g}")),
        (_("Flags"), f"{len(r.flags):,}",
         ", ".join(f"{v:,} {k}" for k, v in severities.items())),
        (_("Members"), f"{t.members:,}", _("joined by the window's end")),
        (_("Organizations"), f"{t.organizations:,}", _("roots with at least one recruit")),
        (_("Deepest organization"), f"{t.deepest_levels:,}",
         _("levels, the root's level included")),
        (_("Purchases"), f"{t.purchases:,}", _("paid or settled, in the window")),
        (_("GMV"), money(t.gmv), ""),
        (_("Entry packages"), money(t.entry_gmv), of_gmv.format(share=percent(t.entry_share))),
        (_("Bought by members"), money(t.internal_gmv),
         of_gmv.format(share=percent(t.internal_share))),
        (_("Bought by outside buyers"), money(t.outside_gmv), _("retail")),
        (_("Bought by the promoter"), money(t.self_gmv),
         _("self-purchase (part of members')")),
        (_("Unattributed"), money(t.unattributed_gmv), _("no promoter")),
        (_("Commission"), money(t.commission), ""),
        (_("Recruitment rewards"), money(t.entry_commission),
         _("commission on entry packages")),
        (_("Retail commission"), money(t.retail_commission),
         _("non-entry products, outside buyers")),
        (_("Rewards / retail"),
         "—" if t.reward_to_retail is None else f"{t.reward_to_retail:,.2f}", _("times")),
        (_("Buying members"), f"{t.buying_members:,}",
         _("paid or settled, up to the window's end")),
        (_("Entry-package-only buyers"), f"{t.entry_only_buyers:,}",
         _("{share} of buying members").format(share=percent(
             t.entry_only_buyers / t.buying_members if t.buying_members else None))),
        (_("Refused referral rows"), f"{t.refused_referrals:,}", _("quarantined by the loads")),
    ])


def _policy(p: Policy) -> Table:
    table = columns(Table(title=_("Policy {name}: {title}").format(name=p.name, title=p.title),
                          title_justify="left", caption=p.reference or None,
                          caption_justify="left"),
                    [_("threshold"), _("value")], left=(_("threshold"),))

    def show(value: object, unit: str = "") -> str:
        if value is None:
            return _("— (not checked)")
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, float):
            return f"{value:g}×" if unit == "times" else percent(value, 0)
        return f"{value:,}{(' ' + unit) if unit else ''}"

    levels = _("levels")
    per_days = {"days": p.velocity_days}
    rows = [
        (_("commission levels allowed"), show(p.max_commission_levels, levels)),
        (_("declared plan"), show(p.plan_levels, levels)),
        (_("threshold: people"), show(p.threshold_people)),
        (_("threshold: levels"), show(p.threshold_levels, levels)),
        (_("organizer counted among the people"), show(p.count_organizer)),
        (_("direct recruits per {days} days").format(**per_days), show(p.max_direct_recruits)),
        (_("downline recruits per {days} days").format(**per_days),
         show(p.max_downline_recruits)),
        (_("entry packages are entry fees"), show(p.entry_fee)),
        (_("entry-package share of GMV"), show(p.max_entry_share)),
        (_("entry-package-only buyers"), show(p.max_entry_only_buyers)),
        (_("internal consumption share of GMV"), show(p.max_internal_share)),
        (_("recruitment rewards / retail commission"), show(p.max_reward_to_retail, "times")),
        (_("organizations judged on ratios from GMV"), money(p.min_organization_gmv)),
        (_("serious (情节严重): people"), show(p.serious_people)),
        (_("serious (情节严重): entry fees"),
         _("— (not checked)") if p.serious_fees is None else money(p.serious_fees)),
        (_("organizations of one leader added up"), show(p.combine_organizations)),
        (_("who left but still earns keeps counting"), show(p.after_leaving)),
    ]
    for row in rows:
        table.add_row(*row)
    return table


def _opinion(r: ComplianceReport) -> Table:
    """The 2013 opinion per leader: the tier the numbers reach and the conditions shown."""
    table = columns(Table(title=_("The 2013 opinion, leader by leader"), title_justify="left"),
                    [_("leader"), _("people"), _("levels"), _("entry fees"), _("tier"),
                     _("entry fee"), _("levels ≥"), _("rewards by recruitment"), _("pattern")],
                    left=(_("leader"), _("entry fees"), _("tier"), _("entry fee"),
                          _("levels ≥"), _("rewards by recruitment"), _("pattern")))
    for a in r.opinion:
        shown = {c.code: _(STATUS_LABELS[c.status]) for c in a.conditions}
        leader = a.leader + (f" (+{', '.join(a.same_person)})" if a.same_person else "")
        table.add_row(leader, f"{a.people:,}", str(a.levels), money(a.fees),
                      _(TIER_WORDS[a.tier]), shown["ENTRY_FEE"], shown["LEVELS"],
                      shown["RECRUITMENT_REWARDS"],
                      _(PATTERN_WORDS[a.pattern]) + (_(" (criminal)") if a.criminal else ""))
    return table


def _checks(r: ComplianceReport) -> Table:
    table = Table(title=_("Checks"), title_justify="left")
    table.add_column(_("check"))
    table.add_column(_("ran"))
    table.add_column(_("flags"), justify="right")
    table.add_column(_("note"), style="dim")
    for c in r.checks:
        table.add_row(c.code, _("yes") if c.checked else _("no"), f"{c.flags:,}", c.note)
    return table


def _flags(r: ComplianceReport) -> Table:
    table = Table(title=_("Flags ({n})").format(n=f"{len(r.flags):,}"), title_justify="left")
    table.add_column(_("severity"))
    table.add_column(_("code"))
    table.add_column(_("member"))
    table.add_column(_("finding"))
    table.add_column(_("numbers"), justify="right")
    table.add_column(_("evidence (up to {n} chains, root first)").format(n=r.evidence_limit),
                     style="dim")
    for f in r.flags:
        table.add_row(f"[{SEVERITY_STYLE[f.severity]}]{f.severity}[/]", f.code, f.member or "—",
                      f.message, _numbers(f), "\n".join(chain(p) for p in f.evidence))
    return table


def _numbers(f: Flag) -> str:
    lines = []
    for key, value in f.numbers.items():
        if is_money(key) and isinstance(value, int):
            text = money(value)
        elif key in SHARE_KEYS:
            text = percent(float(value))
        elif is_time(key):
            text = format_instant(int(value))[:10]
        elif isinstance(value, float):
            text = f"{value:,.2f}"
        else:
            text = f"{value:,}"
        lines.append(f"{key} {text}")
    return "\n".join(lines)


def _timeline(flags: list[Flag]) -> Table:
    """One row per month, one column group per organization: members, levels, recruits."""
    table = Table(title=_("Organizations month by month (members / levels / recruits)"),
                  title_justify="left")
    table.add_column(_("month"))
    orgs = []
    for f in flags:
        if f.member and f.member not in orgs and len(orgs) < MAX_COLUMNS:
            orgs.append(f.member)
    for org in orgs:
        table.add_column(org, justify="right")
    series = {f.member: {m.month: m for m in f.timeline} for f in flags if f.member}
    months = sorted({m.month for f in flags for m in f.timeline})
    for month in months:
        cells = []
        for org in orgs:
            m = series[org].get(month)
            cells.append("" if m is None else f"{m.members:,} / {m.levels} / {m.recruits:,}")
        table.add_row(month, *cells)
    return table


def _levels(flags: list[Flag]) -> Table:
    """The relationship chart in numbers: members on each level, one column per organizer."""
    table = Table(title=_("Members per level (level 1 is the organizer)"),
                  title_justify="left")
    table.add_column(_("level"), justify="right")
    charts: dict[str, list[int]] = {}
    for f in flags:
        if f.member and f.member not in charts and len(charts) < MAX_COLUMNS:
            charts[f.member] = f.per_level
    for organizer in charts:
        table.add_column(organizer, justify="right")
    for level in range(max(len(c) for c in charts.values())):
        table.add_row(str(level + 1), *(f"{c[level]:,}" if level < len(c) else ""
                                        for c in charts.values()))
    return table
