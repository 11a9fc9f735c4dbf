"""Compliance: pyramid-scheme signals in a referral network, judged by a policy file.

A compliance officer asks whether any chain pays commission deeper than the policy
allows, whether an organization crosses the people-and-levels threshold, how fast
downlines grow, and whether revenue comes from recruitment (entry packages, members
buying from themselves) rather than retail. ``report`` answers all of it as flags, each
with a code, a severity, the numbers behind it and its evidence (chains of member ids,
root first), and states the policy, the window and the totals so an auditor can
recompute every flag.

Definitions (the policy's thresholds are in ``refnet.queries.compliance.policy``):

* **Levels and people** (``PYRAMID_THRESHOLD``): as the 2013 joint opinion counts them,
  the organizer and the organizer's own level included: levels = 1 + the depth of a
  member's downline (organizer + two levels below = 3 levels), people = the downline
  plus the organizer when the policy's ``count_organizer`` is true (the ``cn`` preset);
  "at least" is inclusive. If a member crosses the threshold so does every member above
  it, so one flag goes to the topmost member crossing it (the organization's root, or
  the ``root_id`` asked about); the other members inside who cross it on their own are
  listed in ``related`` (largest first) and counted in ``crossing_members``.
* **Commission depth**: the model keeps no per-level payouts. ``COMMISSION_DEPTH`` ("did
  flow"): a purchase by a member whose promoter sits ``d`` levels above the buyer in the
  referral tree paid commission ``d`` levels up; ``d`` above the policy's ``max_levels``
  is flagged, one flag per promoter. ``COMMISSION_PLAN_DEPTH`` ("would flow"): when the
  organization declares a payout plan (``plan_levels``) deeper than allowed, a purchase
  pays the promoter and ``plan_levels - 1`` uplines, so every purchase whose promoter has
  ``max_levels`` or more uplines would pay too many levels; one flag per organization.
* **Velocity**: recruits per ``velocity.days`` sliding window that ends inside the report
  window; direct recruits per member (one flag each), and new members anywhere in a
  downline (topmost member only, as for the threshold), with the organization's size and
  levels month by month as evidence.
* **Revenue** (purchases in the window, paid or settled): entry-package revenue share;
  internal consumption = GMV bought by members (any buyer node) against outside buyers
  (no buyer); the recruitment reward = commission on entry packages, against retail
  commission = commission on other products bought by outside buyers. Overall, and per
  organization (the tree a purchase's promoter belongs to) for organizations with at
  least ``min_organization_gmv``. Entry-package-only buyers count every purchase up to
  ``as_of``.
* **Data integrity**: the loader refuses second referrers, re-parenting (a second
  referrer for a member who already has one: the same refusal) and cycles, so the graph
  should hold none; the report checks what the graph shows (members with more than one
  inbound REFERRED, cycles, purchases attributed to stub members or to promoters with no
  referral tie) and states how many referral rows the loads refused, by reason when the
  quarantine file the load's run recorded is still there.

The report answers from the analytic snapshot of the store's current data version
(``queries.snapshot``; ``ComplianceReport.data_version`` names it): the forest as of the
window's end is the snapshot's preorder forest with later members and referrals cut
(``forest``), and every check is masks and sums over its columns; only the load runs
(a handful of rows) are read through Cypher. A report on one downline (what an
organizer's key asks) works on the root's snapshot slice alone, its purchases one
range of the promoter-sorted ones, unless a later referrer crosses that slice or sits
above the root (``forest.team_forest``): a 1,000-member team costs a few ms whatever
the network's size. The Cypher aggregations it replaced are
the oracle under ``tests/oracle/compliance``.

The 2013 opinion (``opinion``): each organizer whose numbers could reach its threshold
is assessed (``ComplianceReport.opinion``): the tier reached (30 people in 3 levels;
"情节严重" at 120 people or 2,500,000 yuan of entry fees), organizations of one account
holder added up, the after-leaving rule, and the three defining conditions (entry fee,
levels, rewards by recruitment) met, not met or unknown; the rules are quoted from the
policy. A case file's analysis of one organization (``casefile.build``) adds every
member counted, the purchases behind each commission-depth flag, the relationship chart
(``evidence``) and a what-if under another policy (``whatif``).

Structure (levels, people, cycles, second referrers) is as of the window's end; cycles
and refused loads are whole-graph checks, so they are skipped when ``root_id`` narrows
the report to one downline. A narrowed report names nobody above ``root_id``: its
evidence chains start at ``root_id``, so it can be shown to that downline's organizer.
"""

from .params import MAX_EVIDENCE, CaseFileParams, ComplianceParams
from .report import ask, report, report_from
from .results import (
    SEVERITIES,
    Assessment,
    Check,
    ComplianceReport,
    Condition,
    Flag,
    Month,
    Organization,
    Tier,
    Totals,
)

__all__ = [
    "MAX_EVIDENCE", "SEVERITIES", "Assessment", "CaseFileParams", "Check", "ComplianceParams",
    "ComplianceReport", "Condition", "Flag", "Month", "Organization", "Tier", "Totals", "ask",
    "report", "report_from",
]
