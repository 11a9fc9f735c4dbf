"""The compliance question's answer: flags with evidence, checks, totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .policy import Policy

__all__ = ["SEVERITIES", "Check", "ComplianceReport", "Flag", "Month", "Totals"]

SEVERITIES = ("info", "warning", "critical")


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

    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.flags)
        return {s: counts.get(s, 0) for s in SEVERITIES}
