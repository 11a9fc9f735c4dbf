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

Structure (levels, people, cycles, second referrers) is as of the window's end; cycles
and refused loads are whole-graph checks, so they are skipped when ``root_id`` narrows
the report to one downline. A narrowed report names nobody above ``root_id``: its
evidence chains start at ``root_id``, so it can be shown to that downline's organizer.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import networkx as nx
import numpy as np

from refnet.graph.errors import BadInput, NotFound
from refnet.graph.store import GraphStore
from refnet.loaders.quarantine import read_refused_referrals

from ..window import DAY_MS, Window
from .policy import Policy

__all__ = [
    "MAX_EVIDENCE", "SEVERITIES", "Check", "ComplianceReport", "Flag", "Month", "Totals", "report",
]

SEVERITIES = ("info", "warning", "critical")
MAX_EVIDENCE = 1_000
MAX_MONTHS = 120
# What a report reads, for the whole graph and for one downline (anchored on $root).
_WHOLE = {
    "members": "compliance/members",
    "referrals": "compliance/referrals",
    "promoter_sales": "compliance/promoter_sales",
    "member_pairs": "compliance/member_pairs",
    "buyers": "compliance/buyers",
}
_BELOW = {
    "members": "compliance/members_below",
    "referrals": "compliance/referrals_below",
    "promoter_sales": "compliance/promoter_sales_below",
    "member_pairs": "compliance/member_pairs_below",
    "buyers": "compliance/buyers_below",
}


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

    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.flags)
        return {s: counts.get(s, 0) for s in SEVERITIES}


def report(store: GraphStore, policy: Policy, window: Window, *, root_id: str | None = None,
           evidence_limit: int = 5) -> ComplianceReport:
    """Run every check ``policy`` asks for over ``window`` (optionally one downline).

    ``evidence_limit`` bounds the chains (and related members) each flag lists; the
    counts in its numbers are always complete.
    """
    if not isinstance(policy, Policy):
        raise BadInput("policy must be a Policy "
                       "(refnet.queries.compliance.policy.load(name_or_path))")
    if not isinstance(window, Window):
        raise BadInput("window must be a Window (refnet.queries.window.resolve(...))")
    if isinstance(evidence_limit, bool) or not isinstance(evidence_limit, int) \
            or not 0 <= evidence_limit <= MAX_EVIDENCE:
        raise BadInput(f"evidence_limit must be a whole number from 0 to {MAX_EVIDENCE}, "
                       f"got {evidence_limit!r}")
    params = window.params()
    # A report on one downline reads only that downline (the *_below queries, anchored
    # on the root), so an organizer's report costs what its team costs.
    names = _WHOLE if root_id is None else _BELOW
    if root_id is not None:
        params["root"] = root_id
    forest = _Forest(store.run(names["members"], params).rows,
                     store.run(names["referrals"], params).rows)
    scope = _Scope(forest, root_id, window)
    sales = [_sales_row(r) for r in store.run(names["promoter_sales"], params).records()]
    pairs = store.run(names["member_pairs"], params).records()
    buyers = store.run(names["buyers"], params).records()
    runs = store.run("compliance/load_runs").records() if root_id is None else []
    ctx = _Context(forest, scope, policy, window, evidence_limit)
    ctx.threshold()
    ctx.commission_depth(pairs)
    ctx.plan_depth(sales)
    ctx.velocity()
    revenue = ctx.revenue(sales)
    buying, entry_only = ctx.entry_only(buyers)
    ctx.integrity(sales)
    refused = ctx.refused_referrals(runs)
    totals = Totals(
        members=len(forest.ids) if scope.whole else len(scope.members),
        organizations=sum(1 for r in scope.roots if forest.children[r]),
        deepest_levels=max((forest.height[r] + 1 for r in scope.roots), default=0),
        **revenue, buying_members=buying, entry_only_buyers=entry_only,
        refused_referrals=refused,
    )
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    flags = sorted(ctx.flags, key=lambda f: (-rank[f.severity], f.code, f.member or ""))
    return ComplianceReport(policy, window.describe(), window.start, window.end, root_id,
                            evidence_limit, totals, ctx.checks, flags)


# --- the referral forest as of the window's end ---------------------------------------


class _Forest:
    """Members, their first referrer, the trees in preorder, sizes and heights."""

    def __init__(self, members: list[tuple[Any, ...]], referrals: list[tuple[Any, ...]]) -> None:
        members = sorted(members, key=lambda r: str(r[0]))
        self.ids = [str(r[0]) for r in members]
        self.index = {m: i for i, m in enumerate(self.ids)}
        n = len(self.ids)
        self.joined = np.array([int(r[1] or 0) for r in members], dtype=np.int64)
        self.parent = [-1] * n
        self.extra: dict[int, list[str]] = {}  # member -> every referrer, when more than one
        self.edges: list[tuple[int, int]] = []
        links: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for parent, child, at in referrals:
            p, c = self.index.get(str(parent)), self.index.get(str(child))
            if p is not None and c is not None:
                links[c].append((int(at or 0), str(parent)))
                self.edges.append((p, c))
        for c, found in links.items():
            found.sort()
            self.parent[c] = self.index[found[0][1]]
            if len(found) > 1:
                self.extra[c] = [p for _, p in found]
        self.top = -1  # set by _Scope when a report covers one downline
        self.children: list[list[int]] = [[] for _ in range(n)]
        for i, p in enumerate(self.parent):
            if p >= 0:
                self.children[p].append(i)
        for kids in self.children:
            kids.sort(key=lambda k: (int(self.joined[k]), self.ids[k]))
        self.depth = [-1] * n  # -1: not under any root (a cycle or below one)
        self.root = [-1] * n
        self.order: list[int] = []
        self.pos = [-1] * n
        for r in (i for i in range(n) if self.parent[i] < 0):
            stack = [r]
            self.depth[r] = 0
            while stack:
                v = stack.pop()
                self.pos[v] = len(self.order)
                self.order.append(v)
                self.root[v] = r
                for c in reversed(self.children[v]):
                    self.depth[c] = self.depth[v] + 1
                    stack.append(c)
        self.size = [0] * n  # members below, the member excluded
        self.height = [0] * n  # levels below the member
        for v in reversed(self.order):
            p = self.parent[v]
            if p >= 0:
                self.size[p] += self.size[v] + 1
                self.height[p] = max(self.height[p], self.height[v] + 1)

    def subtree(self, v: int) -> list[int]:
        """``v`` and its downline, in preorder."""
        return self.order[self.pos[v]:self.pos[v] + self.size[v] + 1]

    def is_below(self, v: int, top: int) -> bool:
        """Is ``v`` in ``top``'s downline (``top`` itself excluded)?"""
        return self.pos[top] >= 0 and self.pos[top] < self.pos[v] <= self.pos[top] \
            + self.size[top]

    def chain(self, v: int) -> list[str]:
        """Root -> ... -> v; in a report on one downline, that downline's root -> ... -> v,
        so evidence never names a member above the member asked about."""
        out = []
        seen = set()
        while v >= 0 and v not in seen:
            seen.add(v)
            out.append(self.ids[v])
            if v == self.top:
                break
            v = self.parent[v]
        return out[::-1]

    def deepest_path(self, v: int) -> list[str]:
        """Root -> ... -> v -> ... -> the deepest member below v."""
        path = self.chain(v)
        while self.children[v]:
            v = max(self.children[v], key=lambda c: (self.height[c], self.size[c]))
            path.append(self.ids[v])
        return path


class _Scope:
    """Which members a report covers: one downline (``root_id``) or every tree."""

    def __init__(self, forest: _Forest, root_id: str | None, window: Window) -> None:
        self.forest = forest
        if root_id is None:
            self.roots = [v for v in forest.order if forest.parent[v] < 0]
            self.members = list(forest.order)
        else:
            if not isinstance(root_id, str) or not root_id.strip():
                raise BadInput("root_id must be a member id")
            v = forest.index.get(root_id)
            if v is None:
                raise NotFound(f"no member {root_id!r} had joined by "
                               f"{window.describe()['as_of']}")
            if forest.pos[v] < 0:
                raise BadInput(f"member {root_id!r} sits in a referral cycle; run the report "
                               "without a root to see it")
            self.roots = [v]
            self.members = forest.subtree(v)
            forest.top = v
        self.whole = root_id is None

    def org(self, v: int | None) -> int:
        """The organization (scope root) ``v`` belongs to, or -1 outside the scope."""
        if v is None or self.forest.pos[v] < 0:
            return -1
        if self.whole:
            return self.forest.root[v]
        top = self.roots[0]
        return top if v == top or self.forest.is_below(v, top) else -1


# --- the checks ---------------------------------------------------------------------


_SUMS = ("purchases", "gmv", "commission", "entry_purchases", "entry_gmv", "entry_commission",
         "internal_gmv", "outside_gmv", "retail_commission", "self_gmv")


def _sales_row(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: int(r[k] or 0) for k in _SUMS}
    out["promoter"] = r["promoter"]
    out["status"] = r["status"]
    return out


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class _Context:
    """The forest, the scope and the policy, with the flags and checks found so far."""

    def __init__(self, forest: _Forest, scope: _Scope, policy: Policy, window: Window,
                 limit: int) -> None:
        self.f, self.scope, self.policy, self.window, self.limit = (
            forest, scope, policy, window, limit)
        self.flags: list[Flag] = []
        self.checks: list[Check] = []

    def _check(self, code: str, checked: bool, flags: Iterable[Flag] = (), note: str = "") -> None:
        found = list(flags)
        self.flags += found
        self.checks.append(Check(code, checked, len(found), note))

    def _idx(self, member_id: Any) -> int | None:
        return self.f.index.get(str(member_id)) if member_id is not None else None

    # -- people and levels ------------------------------------------------------------

    def threshold(self) -> None:
        p = self.policy
        if p.threshold_levels is None or p.threshold_people is None:
            self._check("PYRAMID_THRESHOLD", False, note="the policy sets no threshold")
            return
        f, own = self.f, int(p.count_organizer)

        def crosses(v: int) -> bool:
            return f.size[v] + own >= p.threshold_people and f.height[v] + 1 >= p.threshold_levels

        flags = []
        for r in self.scope.roots:
            if not crosses(r):
                continue
            members = f.subtree(r)
            inside = sorted((v for v in members if v != r and crosses(v)),
                            key=lambda v: (-f.size[v], f.ids[v]))
            levels = np.bincount([f.depth[v] - f.depth[r] for v in members]).tolist()
            branches = sorted(f.children[r], key=lambda c: (-f.height[c], -f.size[c],
                                                            f.ids[c]))
            people, depth = f.size[r] + own, f.height[r] + 1
            flags.append(Flag(
                "PYRAMID_THRESHOLD", "critical", f.ids[r],
                f"{f.ids[r]} organizes {people:,} people in {depth} levels (threshold: at "
                f"least {p.threshold_people:,} people in at least {p.threshold_levels} levels, "
                f"the organizer {'counted' if own else 'not counted'} among the people and "
                "the organizer's own level counted)",
                {"people": people, "levels": depth, "downline": f.size[r],
                 "direct_recruits": len(f.children[r]), "crossing_members": len(inside) + 1,
                 "min_people": p.threshold_people, "min_levels": p.threshold_levels},
                evidence=[f.deepest_path(c) for c in branches[:self.limit]],
                per_level=[int(x) for x in levels],
                timeline=self._timeline(r),
                related=[f.ids[v] for v in inside[:self.limit]],
            ))
        self._check("PYRAMID_THRESHOLD", True, flags)

    # -- commission depth -------------------------------------------------------------

    def commission_depth(self, pairs: list[dict[str, Any]]) -> None:
        allowed = self.policy.max_commission_levels
        if allowed is None:
            self._check("COMMISSION_DEPTH", False, note="the policy sets no commission levels")
            return
        f = self.f
        deep: dict[int, list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
        for row in pairs:
            b, pr = self._idx(row["buyer"]), self._idx(row["promoter"])
            if b is None or pr is None or self.scope.org(b) < 0 or self.scope.org(pr) < 0:
                continue
            if not f.is_below(b, pr):
                continue
            d = f.depth[b] - f.depth[pr]
            if d > allowed:
                deep[pr].append((d, b, row))
        flags = []
        for pr, found in deep.items():
            found.sort(key=lambda x: (-x[0], -int(x[2]["amount"] or 0), f.ids[x[1]]))
            purchases = sum(int(x[2]["purchases"]) for x in found)
            amount = sum(int(x[2]["amount"] or 0) for x in found)
            commission = sum(int(x[2]["commission"] or 0) for x in found)
            farthest = found[0][0]
            flags.append(Flag(
                "COMMISSION_DEPTH", "critical", f.ids[pr],
                f"{f.ids[pr]} was paid commission on {purchases:,} purchases by {len(found):,} "
                f"members up to {farthest} levels below them (the policy allows {allowed})",
                {"purchases": purchases, "amount": amount, "commission": commission,
                 "buyers": len(found), "max_distance": farthest, "max_levels": allowed,
                 "promoter_level": f.depth[pr] + 1},
                evidence=[f.chain(b) for _, b, _ in found[:self.limit]],
                related=[f.ids[b] for _, b, _ in found[:self.limit]],
            ))
        self._check("COMMISSION_DEPTH", True, flags)

    def plan_depth(self, sales: list[dict[str, Any]]) -> None:
        allowed, plan = self.policy.max_commission_levels, self.policy.plan_levels
        if allowed is None or plan is None:
            self._check("COMMISSION_PLAN_DEPTH", False,
                        note="the policy declares no payout plan (plan_levels)")
            return
        if plan <= allowed:
            self._check("COMMISSION_PLAN_DEPTH", True,
                        note=f"the plan pays {plan} levels, within the {allowed} allowed")
            return
        f = self.f
        per_org: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        for row in sales:
            pr = self._idx(row["promoter"])
            org = self.scope.org(pr)
            if pr is None or org < 0:
                continue
            if min(plan, f.depth[pr] + 1) > allowed:
                per_org[org].append((pr, row))
        flags = []
        for org, found in per_org.items():
            found.sort(key=lambda x: (-f.depth[x[0]], -x[1]["gmv"], f.ids[x[0]]))
            paid = min(plan, f.depth[found[0][0]] + 1)
            flags.append(Flag(
                "COMMISSION_PLAN_DEPTH", "warning", f.ids[org],
                f"under a {plan}-level plan, {sum(x[1]['purchases'] for x in found):,} "
                f"purchases in {f.ids[org]}'s organization would pay commission on "
                f"{paid} levels (the policy allows {allowed})",
                {"purchases": sum(x[1]["purchases"] for x in found),
                 "gmv": sum(x[1]["gmv"] for x in found),
                 "commission": sum(x[1]["commission"] for x in found),
                 "promoters": len(found), "levels_paid": paid, "plan_levels": plan,
                 "max_levels": allowed},
                evidence=[f.chain(pr) for pr, _ in found[:self.limit]],
            ))
        self._check("COMMISSION_PLAN_DEPTH", True, flags)

    # -- recruitment velocity ---------------------------------------------------------

    def velocity(self) -> None:
        p, f, w = self.policy, self.f, self.window
        span = p.velocity_days * DAY_MS

        def peak(times: np.ndarray) -> tuple[int, int]:
            """The most joins in any ``span`` ending at a join inside the window, and when."""
            times = np.sort(times[(times > w.start) & (times <= w.end)])
            if not len(times):
                return 0, 0
            counts = np.arange(1, len(times) + 1) - np.searchsorted(times, times - span,
                                                                    side="right")
            best = int(np.argmax(counts))
            return int(counts[best]), int(times[best])

        if p.max_direct_recruits is None:
            self._check("DIRECT_RECRUITMENT_VELOCITY", False,
                        note="the policy sets no direct recruitment rate")
        else:
            flags = []
            for v in self.scope.members:
                if len(f.children[v]) <= p.max_direct_recruits:
                    continue
                most, when = peak(f.joined[f.children[v]])
                if most > p.max_direct_recruits:
                    burst = [c for c in f.children[v] if when - span < f.joined[c] <= when]
                    flags.append(Flag(
                        "DIRECT_RECRUITMENT_VELOCITY", "warning", f.ids[v],
                        f"{f.ids[v]} recruited {most:,} members in {p.velocity_days} days "
                        f"(the policy's rate is {p.max_direct_recruits:,})",
                        {"recruits": most, "peak_end": when, "days": p.velocity_days,
                         "max_recruits": p.max_direct_recruits,
                         "direct_recruits": len(f.children[v])},
                        evidence=[f.chain(v)] if self.limit else [],
                        related=[f.ids[c] for c in burst[:self.limit]],
                    ))
            self._check("DIRECT_RECRUITMENT_VELOCITY", True, flags)

        limit = p.max_downline_recruits
        if limit is None:
            self._check("DOWNLINE_RECRUITMENT_VELOCITY", False,
                        note="the policy sets no downline growth rate")
            return
        flags = []
        for r in self.scope.roots:
            if f.size[r] <= limit:
                continue
            most, when = peak(f.joined[f.subtree(r)[1:]])
            if most <= limit:
                continue
            inside = []
            for v in f.subtree(r)[1:]:
                if f.size[v] > limit:
                    sub, _ = peak(f.joined[f.subtree(v)[1:]])
                    if sub > limit:
                        inside.append((sub, v))
            inside.sort(key=lambda x: (-x[0], f.ids[x[1]]))
            flags.append(Flag(
                "DOWNLINE_RECRUITMENT_VELOCITY", "warning", f.ids[r],
                f"{f.ids[r]}'s downline grew by {most:,} members in {p.velocity_days} days "
                f"(the policy's rate is {limit:,})",
                {"recruits": most, "peak_end": when, "days": p.velocity_days,
                 "max_recruits": limit, "downline": f.size[r],
                 "crossing_members": len(inside) + 1},
                evidence=[f.deepest_path(r)] if self.limit else [],
                timeline=self._timeline(r),
                related=[f.ids[v] for _, v in inside[:self.limit]],
            ))
        self._check("DOWNLINE_RECRUITMENT_VELOCITY", True, flags)

    def _timeline(self, r: int) -> list[Month]:
        """``r``'s organization at each month's end in the window: size, levels, recruits."""
        f, w = self.f, self.window
        members = f.subtree(r)
        joined = f.joined[members]
        order = np.argsort(joined, kind="stable")
        joined = joined[order]
        levels = np.maximum.accumulate(
            np.array([f.depth[v] - f.depth[r] for v in members])[order]) + 1
        ends = _month_ends(w.start, w.end)[-MAX_MONTHS:]
        out = []
        previous = w.start
        for label, end in ends:
            k = int(np.searchsorted(joined, end, side="right"))
            started = int(np.searchsorted(joined, previous, side="right"))
            out.append(Month(label, k, int(levels[k - 1]) if k else 0, k - started))
            previous = end
        return out

    # -- revenue --------------------------------------------------------------------

    def revenue(self, sales: list[dict[str, Any]]) -> dict[str, Any]:
        p, f = self.policy, self.f
        total: Counter[str] = Counter()
        per_org: dict[int, Counter[str]] = defaultdict(Counter)
        promoters: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        unattributed = 0
        for row in sales:
            pr = self._idx(row["promoter"])
            org = self.scope.org(pr)
            if row["promoter"] is None:
                if not self.scope.whole:
                    continue
                unattributed += row["gmv"]
            elif org < 0 and not self.scope.whole:
                continue
            total.update({k: row[k] for k in _SUMS})
            if org >= 0 and pr is not None:
                per_org[org].update({k: row[k] for k in _SUMS})
                promoters[org].append((pr, row))
                promoters[-1].append((pr, row))
        groups: list[tuple[int, Counter[str]]] = [(-1, total)] if self.scope.whole else []
        groups += sorted(((o, c) for o, c in per_org.items()
                          if c["gmv"] >= p.min_organization_gmv),
                         key=lambda x: f.ids[x[0]])

        def who(org: int) -> str:
            return "the network" if org < 0 else f"{f.ids[org]}'s organization"

        def top(org: int, key: str) -> list[list[str]]:
            rows = sorted(promoters[org], key=lambda x: (-x[1][key], f.ids[x[0]]))
            return [f.chain(pr) for pr, row in rows[:self.limit] if row[key] > 0]

        def member(org: int) -> str | None:
            return None if org < 0 else f.ids[org]

        entry_on = p.entry_fee
        if not entry_on or p.max_entry_share is None:
            self._check("ENTRY_PACKAGE_SHARE", False, note="entry packages are not entry fees"
                        if not entry_on else "the policy sets no entry-package share")
        else:
            flags = []
            for org, c in groups:
                share = _share(c["entry_gmv"], c["gmv"])
                if share is not None and share > p.max_entry_share:
                    flags.append(Flag(
                        "ENTRY_PACKAGE_SHARE", "warning", member(org),
                        f"entry packages are {share:.1%} of {who(org)}'s GMV (the policy's "
                        f"limit is {p.max_entry_share:.0%})",
                        {"entry_gmv": c["entry_gmv"], "gmv": c["gmv"], "share": share,
                         "entry_purchases": c["entry_purchases"],
                         "max_share": p.max_entry_share},
                        evidence=top(org, "entry_gmv")))
            self._check("ENTRY_PACKAGE_SHARE", True, flags)

        if p.max_internal_share is None:
            self._check("INTERNAL_CONSUMPTION", False,
                        note="the policy sets no internal-consumption share")
        else:
            flags = []
            for org, c in groups:
                share = _share(c["internal_gmv"], c["gmv"])
                if share is not None and share > p.max_internal_share:
                    flags.append(Flag(
                        "INTERNAL_CONSUMPTION", "warning", member(org),
                        f"members bought {share:.1%} of {who(org)}'s GMV themselves, outside "
                        f"buyers {1 - share:.1%} (the policy's limit is "
                        f"{p.max_internal_share:.0%})",
                        {"internal_gmv": c["internal_gmv"], "outside_gmv": c["outside_gmv"],
                         "self_gmv": c["self_gmv"], "gmv": c["gmv"], "share": share,
                         "max_share": p.max_internal_share},
                        evidence=top(org, "internal_gmv")))
            self._check("INTERNAL_CONSUMPTION", True, flags)

        ratio_limit = p.max_reward_to_retail
        if not entry_on or ratio_limit is None:
            self._check("RECRUITMENT_REWARD_RATIO", False,
                        note="entry packages are not entry fees" if not entry_on
                        else "the policy sets no reward-to-retail ratio")
        else:
            flags = []
            for org, c in groups:
                reward, retail = c["entry_commission"], c["retail_commission"]
                if reward > 0 and reward > ratio_limit * retail:
                    numbers: dict[str, int | float] = {
                        "reward": reward, "retail_commission": retail,
                        "max_ratio": ratio_limit}
                    if retail:
                        numbers["ratio"] = reward / retail
                    said = f"{reward / retail:.2f} times" if retail else "with no"
                    flags.append(Flag(
                        "RECRUITMENT_REWARD_RATIO", "warning", member(org),
                        f"{who(org)} earned recruitment rewards {said} its retail commission "
                        f"(the policy's limit is {ratio_limit:g} times)",
                        numbers, evidence=top(org, "entry_commission")))
            self._check("RECRUITMENT_REWARD_RATIO", True, flags)

        return {
            **{k: total[k] for k in _SUMS if k not in ("entry_purchases",)},
            "unattributed_gmv": unattributed,
            "entry_share": _share(total["entry_gmv"], total["gmv"]),
            "internal_share": _share(total["internal_gmv"], total["gmv"]),
            "reward_to_retail": _share(total["entry_commission"], total["retail_commission"]),
        }

    def entry_only(self, buyers: list[dict[str, Any]]) -> tuple[int, int]:
        p, f = self.policy, self.f
        per_org: dict[int, list[int]] = defaultdict(list)  # org -> [buying, entry-only...]
        buying: Counter[int] = Counter()
        count_all = buying_all = 0
        for row in buyers:
            b = self._idx(row["buyer"])
            org = self.scope.org(b)
            if b is None or (org < 0 and not self.scope.whole):
                continue
            buying_all += 1
            buying[org] += 1
            if int(row["entry"] or 0) == int(row["purchases"]):
                count_all += 1
                per_org[org].append(b)
        if not p.entry_fee:
            self._check("ENTRY_PACKAGE_ONLY_BUYERS", False,
                        note="entry packages are not entry fees")
            return buying_all, count_all
        flags = []
        for org in sorted((o for o in per_org if o >= 0), key=lambda o: f.ids[o]):
            found = sorted(per_org[org], key=lambda b: f.ids[b])
            share = len(found) / buying[org]
            high = p.max_entry_only_buyers is not None and share > p.max_entry_only_buyers
            numbers: dict[str, int | float] = {"members": len(found),
                                               "buying_members": buying[org], "share": share}
            if p.max_entry_only_buyers is not None:
                numbers["max_share"] = p.max_entry_only_buyers
            flags.append(Flag(
                "ENTRY_PACKAGE_ONLY_BUYERS", "warning" if high else "info", f.ids[org],
                f"{len(found):,} of {buying[org]:,} buying members of {f.ids[org]}'s "
                f"organization ({share:.1%}) bought nothing but entry packages",
                numbers, evidence=[f.chain(b) for b in found[:self.limit]],
            ))
        self._check("ENTRY_PACKAGE_ONLY_BUYERS", True, flags)
        return buying_all, count_all

    # -- data integrity --------------------------------------------------------------

    def integrity(self, sales: list[dict[str, Any]]) -> None:
        f = self.f
        flags = []
        for v, referrers in sorted(self.f.extra.items(), key=lambda x: f.ids[x[0]]):
            if self.scope.org(v) < 0 and not self.scope.whole:
                continue
            flags.append(Flag(
                "SECOND_REFERRER", "critical", f.ids[v],
                f"{f.ids[v]} has {len(referrers)} referrers in the graph "
                f"({', '.join(referrers)}); the first one stays in the tree",
                {"referrers": len(referrers)},
                evidence=[[r, f.ids[v]] for r in referrers[:self.limit]],
                related=referrers[:self.limit]))
        self._check("SECOND_REFERRER", True, flags)

        if not self.scope.whole:
            self._check("REFERRAL_CYCLE", False, note="a whole-graph check (no root)")
        else:
            # With one referrer each, a cycle is exactly what no root reaches; only a
            # second referrer can tie a cycle to a tree, so the full search runs only then.
            cyclic = f.extra or any(pos < 0 for pos in f.pos)
            graph = nx.DiGraph(f.edges if cyclic else [])
            flags = []
            for component in nx.strongly_connected_components(graph):
                if len(component) < 2:
                    continue
                cycle = [f.ids[a] for a, _ in nx.find_cycle(graph.subgraph(component))]
                first = min(range(len(cycle)), key=lambda i: cycle[i])
                cycle = cycle[first:] + cycle[:first]
                flags.append(Flag(
                    "REFERRAL_CYCLE", "critical", cycle[0],
                    f"referrals form a cycle through {len(component)} members: "
                    f"{' → '.join([*cycle, cycle[0]])}",
                    {"members": len(component)}, evidence=[[*cycle, cycle[0]]],
                    related=sorted(f.ids[v] for v in component)[:self.limit]))
            self._check("REFERRAL_CYCLE", True, flags)

        stubs: list[tuple[int, dict[str, Any]]] = []
        untied: list[tuple[int, dict[str, Any]]] = []
        for row in sales:
            pr = self._idx(row["promoter"])
            if pr is None or (self.scope.org(pr) < 0 and not self.scope.whole):
                continue
            if row["status"] == "stub":
                stubs.append((pr, row))
            elif f.parent[pr] < 0 and not f.children[pr]:
                untied.append((pr, row))
        flags = []
        for code, severity, found, what in (
            ("STUB_PROMOTER", "warning", stubs,
             "stub members (accounts no member claims)"),
            ("UNTIED_PROMOTER", "info", untied,
             "members with no referral tie (no referrer, no recruits)"),
        ):
            if not found:
                continue
            found.sort(key=lambda x: (-x[1]["gmv"], f.ids[x[0]]))
            gmv = sum(x[1]["gmv"] for x in found)
            purchases = sum(x[1]["purchases"] for x in found)
            flags.append(Flag(
                code, severity, None,
                f"{purchases:,} purchases ({gmv / 100:,.2f} in GMV) are attributed to "
                f"{len(found):,} {what}",
                {"promoters": len(found), "purchases": purchases, "gmv": gmv,
                 "commission": sum(x[1]["commission"] for x in found)},
                evidence=[[f.ids[pr]] for pr, _ in found[:self.limit]],
                related=[f.ids[pr] for pr, _ in found[:self.limit]]))
        self._check("STUB_OR_UNTIED_PROMOTER", True, flags)

    def refused_referrals(self, runs: list[dict[str, Any]]) -> int:
        if not self.scope.whole:
            self._check("REFUSED_REFERRALS", False, note="a whole-graph check (no root)")
            return 0
        refused = 0
        reasons: Counter[str] = Counter()
        evidence: list[list[str]] = []
        files_read = 0
        for run in runs:
            try:
                referrals = json.loads(run["counts"] or "{}").get("referrals", {})
                quarantined = int(referrals.get("quarantined", 0))
                recorded = {str(k): int(v) for k, v in (referrals.get("reasons") or {}).items()}
            except (ValueError, TypeError, AttributeError):
                continue
            if not quarantined:
                continue
            refused += quarantined
            reasons.update(recorded)  # per-reason counts, when the load run records them
            found = _quarantined_referrals(run)
            if found is not None:
                files_read += 1
                for code, pair in found:
                    if not recorded:
                        reasons[code] += 1
                    if len(evidence) < self.limit:
                        evidence.append(pair)
        flags = []
        if refused:
            numbers: dict[str, int | float] = {"refused": refused,
                                               "quarantine_files_read": files_read}
            numbers.update({f"reason_{k}": v for k, v in sorted(reasons.items())})
            detail = ", ".join(f"{v:,} {k}" for k, v in sorted(reasons.items()))
            flags.append(Flag(
                "REFUSED_REFERRALS", "warning", None,
                f"the loads refused {refused:,} referral rows (second referrers or re-parenting "
                f"attempts, cycles, self-referrals){': ' + detail if detail else ''}",
                numbers, evidence=evidence))
        self._check("REFUSED_REFERRALS", True, flags)
        return refused


def _quarantined_referrals(run: dict[str, Any]) -> list[tuple[str, list[str]]] | None:
    """(reason, [referrer, member]) for each referral row a load quarantined, read from the
    quarantine file its run recorded; None when there is none or it is not there."""
    return read_refused_referrals(run.get("quarantine"))


def _month_ends(start: int, end: int) -> list[tuple[str, int]]:
    """(YYYY-MM, the month's last instant or ``end``) for each month ``start < t <= end``."""
    moment = datetime.fromtimestamp(start / 1000, UTC)
    year, month = moment.year, moment.month
    out = []
    while True:
        year2, month2 = (year + 1, 1) if month == 12 else (year, month + 1)
        boundary = int(datetime(year2, month2, 1, tzinfo=UTC).timestamp() * 1000) - 1
        if boundary > start:
            out.append((f"{year:04d}-{month:02d}", min(boundary, end)))
        if boundary >= end:
            return out
        year, month = year2, month2

