"""A compliance report for people: the policy, the totals, the checks, the flags.

The tables say what an auditor needs to recompute a flag: the policy's thresholds, the
window, the totals every ratio divides by, and each flag's numbers and evidence chain.
"""

from __future__ import annotations

from rich.table import Table

from refnet.graph.times import local as format_instant
from refnet.queries.compliance import ComplianceReport, Flag
from refnet.queries.compliance.policy import Policy

from ..names import is_money, is_time
from . import money, percent

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
    scope = f"the downline of {r.root}" if r.root else "the whole network"
    table = Table(title=f"Compliance ({r.policy.name}): {scope}", show_header=False,
                  title_justify="left")
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_column("", style="dim")
    severities = r.by_severity()
    rows = [
        ("Window", f"{r.window['since']} – {r.window['as_of']}", f"{r.window['days']:g} days"),
        ("Flags", f"{len(r.flags):,}", ", ".join(f"{v:,} {k}" for k, v in severities.items())),
        ("Members", f"{t.members:,}", "joined by the window's end"),
        ("Organizations", f"{t.organizations:,}", "roots with at least one recruit"),
        ("Deepest organization", f"{t.deepest_levels:,}", "levels, the root's level included"),
        ("Purchases", f"{t.purchases:,}", "paid or settled, in the window"),
        ("GMV", money(t.gmv), ""),
        ("Entry packages", money(t.entry_gmv), f"{percent(t.entry_share)} of GMV"),
        ("Bought by members", money(t.internal_gmv), f"{percent(t.internal_share)} of GMV"),
        ("Bought by outside buyers", money(t.outside_gmv), "retail"),
        ("Bought by the promoter", money(t.self_gmv), "self-purchase (part of members')"),
        ("Unattributed", money(t.unattributed_gmv), "no promoter"),
        ("Commission", money(t.commission), ""),
        ("Recruitment rewards", money(t.entry_commission), "commission on entry packages"),
        ("Retail commission", money(t.retail_commission),
         "non-entry products, outside buyers"),
        ("Rewards / retail", "—" if t.reward_to_retail is None else f"{t.reward_to_retail:,.2f}",
         "times"),
        ("Buying members", f"{t.buying_members:,}", "paid or settled, up to the window's end"),
        ("Entry-package-only buyers", f"{t.entry_only_buyers:,}",
         percent(t.entry_only_buyers / t.buying_members if t.buying_members else None)
         + " of buying members"),
        ("Refused referral rows", f"{t.refused_referrals:,}", "quarantined by the loads"),
    ]
    for row in rows:
        table.add_row(*row)
    return table


def _policy(p: Policy) -> Table:
    table = Table(title=f"Policy {p.name}: {p.title}", title_justify="left",
                  caption=p.reference or None, caption_justify="left")
    table.add_column("threshold")
    table.add_column("value", justify="right")

    def show(value: object, unit: str = "") -> str:
        if value is None:
            return "— (not checked)"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:g}×" if unit == "times" else percent(value, 0)
        return f"{value:,}{(' ' + unit) if unit else ''}"

    rows = [
        ("commission levels allowed", show(p.max_commission_levels, "levels")),
        ("declared plan", show(p.plan_levels, "levels")),
        ("threshold: people", show(p.threshold_people)),
        ("threshold: levels", show(p.threshold_levels, "levels")),
        ("organizer counted among the people", show(p.count_organizer)),
        (f"direct recruits per {p.velocity_days} days", show(p.max_direct_recruits)),
        (f"downline recruits per {p.velocity_days} days", show(p.max_downline_recruits)),
        ("entry packages are entry fees", show(p.entry_fee)),
        ("entry-package share of GMV", show(p.max_entry_share)),
        ("entry-package-only buyers", show(p.max_entry_only_buyers)),
        ("internal consumption share of GMV", show(p.max_internal_share)),
        ("recruitment rewards / retail commission", show(p.max_reward_to_retail, "times")),
        ("organizations judged on ratios from GMV", money(p.min_organization_gmv)),
        ("serious (情节严重): people", show(p.serious_people)),
        ("serious (情节严重): entry fees",
         "— (not checked)" if p.serious_fees is None else money(p.serious_fees)),
        ("organizations of one leader added up", show(p.combine_organizations)),
        ("who left but still earns keeps counting", show(p.after_leaving)),
    ]
    for row in rows:
        table.add_row(*row)
    return table


def _opinion(r: ComplianceReport) -> Table:
    """The 2013 opinion per leader: the tier the numbers reach and the conditions shown."""
    table = Table(title="The 2013 opinion, leader by leader", title_justify="left")
    for name in ("leader", "people", "levels", "entry fees", "tier", "entry fee", "levels ≥",
                 "rewards by recruitment", "pattern"):
        table.add_column(name, justify="right" if name in ("people", "levels") else "left")
    for a in r.opinion:
        shown = {c.code: c.status.replace("_", " ") for c in a.conditions}
        leader = a.leader + (f" (+{', '.join(a.same_person)})" if a.same_person else "")
        table.add_row(leader, f"{a.people:,}", str(a.levels), money(a.fees), a.tier,
                      shown["ENTRY_FEE"], shown["LEVELS"], shown["RECRUITMENT_REWARDS"],
                      a.pattern.replace("_", " ") + (" (criminal)" if a.criminal else ""))
    return table


def _checks(r: ComplianceReport) -> Table:
    table = Table(title="Checks", title_justify="left")
    table.add_column("check")
    table.add_column("ran")
    table.add_column("flags", justify="right")
    table.add_column("note", style="dim")
    for c in r.checks:
        table.add_row(c.code, "yes" if c.checked else "no", f"{c.flags:,}", c.note)
    return table


def _flags(r: ComplianceReport) -> Table:
    table = Table(title=f"Flags ({len(r.flags):,})", title_justify="left")
    table.add_column("severity")
    table.add_column("code")
    table.add_column("member")
    table.add_column("finding")
    table.add_column("numbers", justify="right")
    table.add_column(f"evidence (up to {r.evidence_limit} chains, root first)", style="dim")
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
    table = Table(title="Organizations month by month (members / levels / recruits)",
                  title_justify="left")
    table.add_column("month")
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
    table = Table(title="Members per level (level 1 is the organizer)", title_justify="left")
    table.add_column("level", justify="right")
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
