"""Checks of the referral structure: people and levels (the 2013 opinion's threshold),
commission depth (paid, and under a declared plan), recruitment velocity."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from refnet.queries.compliance.results import Flag
from refnet.queries.window import DAY_MS

from .context import Context

__all__ = ['commission_depth', 'plan_depth', 'threshold', 'velocity']


def threshold(ctx: Context) -> None:
    p = ctx.policy
    if p.threshold_levels is None or p.threshold_people is None:
        ctx.check("PYRAMID_THRESHOLD", False, note="the policy sets no threshold")
        return
    f, own = ctx.f, int(p.count_organizer)

    def crosses(v: int) -> bool:
        return f.size[v] + own >= p.threshold_people and f.height[v] + 1 >= p.threshold_levels

    flags = []
    for r in ctx.scope.roots:
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
            evidence=[f.deepest_path(c) for c in branches[:ctx.limit]],
            per_level=[int(x) for x in levels],
            timeline=ctx.timeline(r),
            related=[f.ids[v] for v in inside[:ctx.limit]],
        ))
    ctx.check("PYRAMID_THRESHOLD", True, flags)

# -- commission depth -------------------------------------------------------------


def commission_depth(ctx: Context, pairs: list[dict[str, Any]]) -> None:
    allowed = ctx.policy.max_commission_levels
    if allowed is None:
        ctx.check("COMMISSION_DEPTH", False, note="the policy sets no commission levels")
        return
    f = ctx.f
    deep: dict[int, list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
    for row in pairs:
        b, pr = ctx.idx(row["buyer"]), ctx.idx(row["promoter"])
        if b is None or pr is None or ctx.scope.org(b) < 0 or ctx.scope.org(pr) < 0:
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
            evidence=[f.chain(b) for _, b, _ in found[:ctx.limit]],
            related=[f.ids[b] for _, b, _ in found[:ctx.limit]],
        ))
    ctx.check("COMMISSION_DEPTH", True, flags)


def plan_depth(ctx: Context, sales: list[dict[str, Any]]) -> None:
    allowed, plan = ctx.policy.max_commission_levels, ctx.policy.plan_levels
    if allowed is None or plan is None:
        ctx.check("COMMISSION_PLAN_DEPTH", False,
                  note="the policy declares no payout plan (plan_levels)")
        return
    if plan <= allowed:
        ctx.check("COMMISSION_PLAN_DEPTH", True,
                  note=f"the plan pays {plan} levels, within the {allowed} allowed")
        return
    f = ctx.f
    per_org: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for row in sales:
        pr = ctx.idx(row["promoter"])
        org = ctx.scope.org(pr)
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
            evidence=[f.chain(pr) for pr, _ in found[:ctx.limit]],
        ))
    ctx.check("COMMISSION_PLAN_DEPTH", True, flags)

# -- recruitment velocity ---------------------------------------------------------


def velocity(ctx: Context) -> None:
    p, f, w = ctx.policy, ctx.f, ctx.window
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
        ctx.check("DIRECT_RECRUITMENT_VELOCITY", False,
                  note="the policy sets no direct recruitment rate")
    else:
        flags = []
        for v in ctx.scope.members:
            if len(f.children[v]) <= p.max_direct_recruits:
                continue
            most, when = peak(f.joined[f.children[v]])
            if most > p.max_direct_recruits:
                burst = [c for c in f.children[v] if when - span < f.joined[c] <= when]
                flags.append(Flag(
                    "DIRECT_RECRUITMENT_VELOCITY", "warning", f.ids[v],
                    f"{f.ids[v]} recruited {most:,} members in {p.velocity_days} days "
                    f"(the policy's rate is {p.max_direct_recruits:,})",
                    {"recruits": most, "peak_at": when, "days": p.velocity_days,
                     "max_recruits": p.max_direct_recruits,
                     "direct_recruits": len(f.children[v])},
                    evidence=[f.chain(v)] if ctx.limit else [],
                    related=[f.ids[c] for c in burst[:ctx.limit]],
                ))
        ctx.check("DIRECT_RECRUITMENT_VELOCITY", True, flags)

    limit = p.max_downline_recruits
    if limit is None:
        ctx.check("DOWNLINE_RECRUITMENT_VELOCITY", False,
                  note="the policy sets no downline growth rate")
        return
    flags = []
    for r in ctx.scope.roots:
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
            {"recruits": most, "peak_at": when, "days": p.velocity_days,
             "max_recruits": limit, "downline": f.size[r],
             "crossing_members": len(inside) + 1},
            evidence=[f.deepest_path(r)] if ctx.limit else [],
            timeline=ctx.timeline(r),
            related=[f.ids[v] for _, v in inside[:ctx.limit]],
        ))
    ctx.check("DOWNLINE_RECRUITMENT_VELOCITY", True, flags)
