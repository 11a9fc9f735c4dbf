"""The compliance question's answer: flags with evidence, checks, totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .policy import Policy, Rule

__all__ = ["CONDITION_STATUSES", "PATTERNS", "SEVERITIES", "TIERS", "Assessment", "Check",
           "ComplianceReport", "Condition", "Flag", "Month", "Organization", "Tier", "Totals"]

SEVERITIES = ("info", "warning", "critical")
TIERS = ("none", "threshold", "serious")  # the 2013 opinion's tiers, by the numbers
PATTERNS = ("pyramid", "team_remuneration", "incomplete", "unknown")
CONDITION_STATUSES = ("met", "not_met", "unknown")


@dataclass(frozen=True)
class Month:
    """An organization at a month's end: how many people, how many levels, who joined."""

    month: str  # YYYY-MM (UTC)
    members: int  # organizer included
    levels: int  # organizer's level included
    recruits: int  # joined during the month, inside the report window


@dataclass(frozen=True)
class Flag:
    """One signal: what it is, how bad, about whom, the numbers and the evidence."""

    code: str
    severity: str  # info | warning | critical
    member: str | None  # the member or organizer it is about; None for the whole scope
    message: str
    numbers: dict[str, int | float] = field(default_factory=dict)
    evidence: list[list[str]] = field(default_factory=list)  # chains of ids, root first
    per_level: list[int] = field(default_factory=list)  # members per level, organizer first
    timeline: list[Month] = field(default_factory=list)
    related: list[str] = field(default_factory=list)  # other members the flag names


@dataclass(frozen=True)
class Check:
    """A check the policy asked for: whether it ran and how many flags it raised."""

    code: str
    checked: bool
    flags: int
    note: str = ""


@dataclass(frozen=True)
class Totals:
    """The scope's totals, the denominators every ratio in the flags uses."""

    members: int
    organizations: int  # roots with at least one recruit
    deepest_levels: int  # levels of the deepest organization, its root's level included
    purchases: int  # paid or settled, in the window
    gmv: int
    commission: int
    entry_gmv: int
    entry_commission: int  # the recruitment reward
    internal_gmv: int  # bought by members
    outside_gmv: int  # bought by outside buyers
    self_gmv: int  # bought by the promoter through themselves
    retail_commission: int  # commission on non-entry products bought by outside buyers
    unattributed_gmv: int  # purchases with no promoter (whole-graph reports only)
    entry_share: float | None
    internal_share: float | None
    reward_to_retail: float | None
    buying_members: int  # members with a paid or settled purchase up to as_of
    entry_only_buyers: int
    refused_referrals: int  # referral rows the loads quarantined (whole-graph reports)


@dataclass(frozen=True)
class Organization:
    """One organization counted toward a leader: its organizer, and what of it counts."""

    root: str  # its organizer (one of the leader's member ids)
    people: int  # members of it counted, its organizer included
    levels: int  # levels counted, the organizer's own level first
    per_level: list[int]  # members counted per level, the organizer's level first
    left_at: int | None  # when its organizer formally left; null: never (or not by as of)
    commission_after_leaving: int  # what the organizer drew from it after leaving
    recruited_after_leaving: int  # members who joined it after the organizer left
    after_leaving_counted: bool  # whether those count: the organizer still drew rewards


@dataclass(frozen=True)
class Tier:
    """One of the opinion's numeric tests and whether the leader's numbers reach it."""

    code: str  # PYRAMID_THRESHOLD, SERIOUS_PEOPLE or SERIOUS_FEES
    checked: bool  # false: the policy or the data cannot tell
    reached: bool  # whether the numbers reach it
    numbers: dict[str, int | float]  # the value and the minimum ("or more" is inclusive)
    rule: Rule | None  # the rule quoted


@dataclass(frozen=True)
class Condition:
    """One of the opinion's defining conditions, as the data shows it."""

    code: str  # ENTRY_FEE, LEVELS or RECRUITMENT_REWARDS
    status: str  # met, not_met or unknown
    message: str
    numbers: dict[str, int | float]
    rule: Rule | None  # the rule quoted


@dataclass(frozen=True)
class Assessment:
    """The 2013 opinion applied to one leader: the tier the numbers reach, the defining
    conditions the data shows, and whether only team remuneration by sales shows.

    ``criminal`` is the tier reached with every defining condition met; a
    ``team_remuneration`` pattern (no entry fee, rewards from sales) is not the
    criminal pattern whatever the numbers (the opinion's article 5).
    """

    leader: str  # the organizer assessed
    same_person: list[str]  # other member ids of the same account holder, added together
    organizations: list[Organization]  # each organization counted
    people: int  # people counted over every organization, the leader once
    levels: int  # the most levels of any one organization, the leader's own first
    fees: int  # entry fees the leader's recruits paid (entry packages), as of
    tier: str  # none, threshold or serious (情节严重), by the numbers
    pattern: str  # pyramid, team_remuneration, incomplete or unknown
    criminal: bool  # a tier reached and every defining condition met
    tiers: list[Tier]  # each numeric test: the threshold, 120 people, 2.5 million yuan
    conditions: list[Condition]  # entry fee, levels, rewards by recruitment
    rules: list[Rule]  # the counting rules applied (inclusive counts, combining, leaving)
    message: str


@dataclass(frozen=True)
class ComplianceReport:
    """Flags with their evidence, and everything needed to recompute them."""

    policy: Policy
    window: dict[str, Any]  # since, as_of (ISO-8601), days
    since: int
    as_of: int
    root: str | None
    evidence_limit: int
    totals: Totals
    checks: list[Check]
    flags: list[Flag]
    data_version: str | None = None  # the data version the report answers from (the snapshot's)
    opinion: list[Assessment] = field(default_factory=list)  # the 2013 opinion, per leader

    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.flags)
        return {s: counts.get(s, 0) for s in SEVERITIES}
