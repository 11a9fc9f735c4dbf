"""Checks of the referral structure: people and levels (the 2013 opinion's threshold),
commission depth (paid, and under a declared plan), recruitment velocity.

Each check finds its flagged members with masks over the forest's columns; only the
flags themselves (their evidence and their numbers) are built one by one."""

from __future__ import annotations

import numpy as np

from refnet.queries.window import DAY_MS

from .context import COUNTED, Context, Sales, runs
from .results import Flag

__all__ = ['commission_depth', 'deep_purchases', 'plan_depth', 'threshold', 'velocity']


def threshold(ctx: Context) -> None:
    p = ctx.policy
    if p.threshold_levels is None or p.threshold_people is None:
        ctx.check("PYRAMID_THRESHOLD", False, note="the policy sets no threshold")
        return
    f, own = ctx.f, int(p.count_organizer)
    crosses = (f.size + own >= p.threshold_people) & (f.height + 1 >= p.threshold_levels)
    flags = []
    roots = ctx.scope.roots
    for r in roots[crosses[roots]].tolist():
        members = f.subtree(r)
        inside = members[1:][crosses[members[1:]]]
        inside = inside[np.lexsort((f.rank[inside], -f.size[inside]))]
        levels = np.bincount(f.depth[members] - f.depth[r])
        kids = f.children(r)
        branches = kids[np.lexsort((f.rank[kids], -f.size[kids], -f.height[kids]))]
        people, depth = int(f.size[r]) + own, int(f.height[r]) + 1
        flags.append(Flag(
            "PYRAMID_THRESHOLD", "critical", f.id(r),
            f"{f.id(r)} organizes {people:,} people in {depth} levels (threshold: at "
            f"least {p.threshold_people:,} people in at least {p.threshold_levels} levels, "
            f"the organizer {'counted' if own else 'not counted'} among the people and "
            "the organizer's own level counted)",
            {"people": people, "levels": depth, "downline": int(f.size[r]),
             "direct_recruits": len(kids), "crossing_members": len(inside) + 1,
             "min_people": p.threshold_people, "min_levels": p.threshold_levels},
            evidence=[f.deepest_path(c) for c in branches[:ctx.limit].tolist()],
            per_level=levels.tolist(),
            timeline=ctx.timeline(r),
            related=ctx.names(inside),
        ))
    ctx.check("PYRAMID_THRESHOLD", True, flags)

# -- commission depth -------------------------------------------------------------


def deep_purchases(ctx: Context, allowed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The window's paid and settled purchases, inside the scope, whose promoter sits more
    than ``allowed`` levels above the buyer: (snapshot purchase rows, buyer, promoter) in
    promoter-then-order-id order, the buyer and the promoter as forest members."""
    f, snap = ctx.f, ctx.f.snap
    span = f.promoted()  # the purchases a promoter of the forest made
    at = np.asarray(snap.p_at[span])
    buyer = np.asarray(snap.p_buyer[span], dtype=np.int64)
    promoter = np.asarray(snap.p_promoter[span], dtype=np.int64)
    rows = np.flatnonzero(np.isin(snap.p_status[span], snap.status_codes(*COUNTED))
                          & (at > ctx.window.start) & (at <= ctx.window.end)
                          & (buyer >= 0) & (promoter >= 0) & (buyer != promoter))
    b, pr = f.local(buyer[rows]), f.local(promoter[rows])
    rows += span.start
    inside = (ctx.scope.org(b) >= 0) & (ctx.scope.org(pr) >= 0)
    below = inside & (f.pos[pr] < f.pos[b]) & (f.pos[b] <= f.pos[pr] + f.size[pr])
    deep = below & (f.depth[b] - f.depth[pr] > allowed)
    return rows[deep], b[deep], pr[deep]


def commission_depth(ctx: Context) -> None:
    """Purchases whose promoter sits more than ``max_levels`` above the buyer: ancestry
    is two comparisons of preorder places, the distance a depth difference."""
    allowed = ctx.policy.max_commission_levels
    if allowed is None:
        ctx.check("COMMISSION_DEPTH", False, note="the policy sets no commission levels")
        return
    f, snap = ctx.f, ctx.f.snap
    rows, b, pr = deep_purchases(ctx, allowed)
    # one row per (promoter, buyer), as the oracle's member_pairs
    pairs, which = np.unique(pr * max(f.n, 1) + b, return_inverse=True)
    count = np.bincount(which, minlength=len(pairs))
    amount = np.zeros(len(pairs), dtype=np.int64)
    np.add.at(amount, which, np.asarray(snap.p_amount, dtype=np.int64)[rows])
    commission = np.zeros(len(pairs), dtype=np.int64)
    np.add.at(commission, which, np.asarray(snap.p_commission, dtype=np.int64)[rows])
    pair_pr, pair_b = pairs // max(f.n, 1), pairs % max(f.n, 1)
    distance = f.depth[pair_b] - f.depth[pair_pr]
    flags = []
    for lo, hi in runs(pair_pr):
        p = int(pair_pr[lo])
        at_p = slice(lo, hi)
        by = np.lexsort((f.rank[pair_b[at_p]], -amount[at_p], -distance[at_p]))
        found = pair_b[at_p][by]
        purchases = int(count[at_p].sum())
        farthest = int(distance[at_p].max())
        flags.append(Flag(
            "COMMISSION_DEPTH", "critical", f.id(p),
            f"{f.id(p)} was paid commission on {purchases:,} purchases by {len(found):,} "
            f"members up to {farthest} levels below them (the policy allows {allowed})",
            {"purchases": purchases, "amount": int(amount[at_p].sum()),
             "commission": int(commission[at_p].sum()),
             "buyers": len(found), "max_distance": farthest, "max_levels": allowed,
             "promoter_level": int(ctx.scope.level(p)) + 1},
            evidence=ctx.chains(found),
            related=ctx.names(found),
        ))
    ctx.check("COMMISSION_DEPTH", True, flags)


def plan_depth(ctx: Context, sales: Sales) -> None:
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
    org = ctx.scope.org(sales.promoter)
    level = np.full(len(org), -1, dtype=np.int64)
    level[org >= 0] = ctx.scope.level(sales.promoter[org >= 0])
    over = (org >= 0) & (np.minimum(plan, level + 1) > allowed)
    flags = []
    rows = np.flatnonzero(over)
    rows = rows[np.lexsort((f.rank[sales.promoter[rows]], -sales.sums["gmv"][rows],
                            -level[rows], org[rows]))]
    for lo, hi in runs(org[rows]):
        mine = rows[lo:hi]
        o = int(org[mine[0]])
        who = sales.promoter[mine]
        paid = min(plan, int(level[mine[0]]) + 1)
        purchases = int(sales.sums["purchases"][mine].sum())
        flags.append(Flag(
            "COMMISSION_PLAN_DEPTH", "warning", f.id(o),
            f"under a {plan}-level plan, {purchases:,} "
            f"purchases in {f.id(o)}'s organization would pay commission on "
            f"{paid} levels (the policy allows {allowed})",
            {"purchases": purchases,
             "gmv": int(sales.sums["gmv"][mine].sum()),
             "commission": int(sales.sums["commission"][mine].sum()),
             "promoters": len(mine), "levels_paid": paid, "plan_levels": plan,
             "max_levels": allowed},
            evidence=ctx.chains(who),
        ))
    ctx.check("COMMISSION_PLAN_DEPTH", True, flags)

# -- recruitment velocity ---------------------------------------------------------


def _peak(times: np.ndarray, span: int) -> tuple[int, int]:
    """The most joins in any ``span`` ending at a join, and when (``times`` sorted, all
    inside the window)."""
    if not len(times):
        return 0, 0
    counts = np.arange(1, len(times) + 1) - np.searchsorted(times, times - span, side="right")
    best = int(np.argmax(counts))
    return int(counts[best]), int(times[best])


def velocity(ctx: Context) -> None:
    p, f, w = ctx.policy, ctx.f, ctx.window
    span = p.velocity_days * DAY_MS
    joined = f.joined
    in_window = (joined > w.start) & (joined <= w.end)

    if p.max_direct_recruits is None:
        ctx.check("DIRECT_RECRUITMENT_VELOCITY", False,
                  note="the policy sets no direct recruitment rate")
    else:
        limit = p.max_direct_recruits
        has = f.ep >= 0
        recruits = np.bincount(f.ep[has], minlength=f.n)
        members = ctx.scope.members
        busy = members[recruits[members] > limit]
        marked = np.zeros(f.n, dtype=bool)
        marked[busy] = True
        kids = np.flatnonzero(has & marked[np.maximum(f.ep, 0)])
        kids = kids[np.lexsort((f.rank[kids], joined[kids], f.ep[kids]))]
        bounds = np.searchsorted(f.ep[kids], np.sort(busy))
        flags = []
        for v, lo in zip(np.sort(busy).tolist(), bounds.tolist(), strict=True):
            mine = kids[lo:lo + int(recruits[v])]  # in (joined, id) order
            times = joined[mine]
            most, when = _peak(np.sort(times[in_window[mine]]), span)
            if most > limit:
                burst = mine[(times > when - span) & (times <= when)]
                flags.append(Flag(
                    "DIRECT_RECRUITMENT_VELOCITY", "warning", f.id(v),
                    f"{f.id(v)} recruited {most:,} members in {p.velocity_days} days "
                    f"(the policy's rate is {limit:,})",
                    {"recruits": most, "peak_at": when, "days": p.velocity_days,
                     "max_recruits": limit, "direct_recruits": len(mine)},
                    evidence=[f.chain(v)] if ctx.limit else [],
                    related=ctx.names(burst),
                ))
        ctx.check("DIRECT_RECRUITMENT_VELOCITY", True, flags)

    limit = p.max_downline_recruits
    if limit is None:
        ctx.check("DOWNLINE_RECRUITMENT_VELOCITY", False,
                  note="the policy sets no downline growth rate")
        return
    # joins inside the window, in preorder: a downline's are one run of them, and a
    # member with no more than ``limit`` of them below cannot have recruited faster
    inside_order = in_window[f.order]
    times = joined[f.order[inside_order]]
    ahead = np.zeros(len(f.order) + 1, dtype=np.int64)  # joins in the window before each place
    np.cumsum(inside_order, out=ahead[1:])
    lo_at = ahead[np.maximum(f.pos + 1, 0)]
    hi_at = ahead[np.clip(f.pos + f.size + 1, 0, len(f.order))]
    counted = hi_at - lo_at  # joins in the window below each member

    def peak(v: int) -> tuple[int, int]:
        return _peak(np.sort(times[lo_at[v]:hi_at[v]]), span)

    # Cut the window into bins ``span / 2`` wide: a sliding ``span`` ending inside the
    # window lies within three neighbouring bins, and the one ending at a bin's last join
    # holds that bin and the one before whole. So the most joins in three neighbouring
    # bins bounds a member's peak from above, the most in two from below; only members
    # the bounds leave open have their joins sorted.
    members = ctx.scope.members
    members = members[(f.size[members] > limit) & (counted[members] > limit)]
    members = members[np.argsort(f.pos[members], kind="stable")]
    up = np.zeros(f.n, dtype=np.int64)
    low = np.zeros(f.n, dtype=np.int64)
    up[members] = counted[members]
    half = span // 2 if span % 2 == 0 else span
    parts = span // half
    bins = -(-(w.end - w.start) // half)
    if bins <= 128 and len(members):
        slot = (times - w.start - 1) // half
        lo, hi = lo_at[members], hi_at[members]
        most = np.zeros(len(members), dtype=np.int64)
        least = np.zeros(len(members), dtype=np.int64)
        recent: list[np.ndarray] = []  # the last ``parts + 1`` bins' counts
        ahead = np.zeros(len(times) + 1, dtype=np.int64)
        for b in range(bins):
            np.cumsum(slot == b, out=ahead[1:])
            recent = [*recent[-parts:], ahead[hi] - ahead[lo]]
            np.maximum(most, sum(recent), out=most)
            np.maximum(least, sum(recent[-parts:]), out=least)
        up[members], low[members] = most, least
    members = members[up[members] > limit]
    places = f.pos[members]

    def crossing(r: int) -> tuple[int, list[int]]:
        """How many members below ``r`` recruited faster than the limit, and the first
        ``ctx.limit`` of them by most recruits (then id)."""
        a, b = np.searchsorted(places, [f.pos[r] + 1, f.pos[r] + f.size[r] + 1])
        below = members[a:b]
        sure, open_ = below[low[below] > limit], below[low[below] <= limit]
        found = [(sub, v) for v in open_.tolist() if (sub := peak(v)[0]) > limit]
        count = len(found) + len(sure)
        if ctx.limit:
            rest = sure[np.argsort(-up[sure], kind="stable")].tolist()
            found.sort(key=lambda x: (-x[0], f.rank[x[1]]))
            for v in rest:  # the sure ones, while one may still rank among the first
                if len(found) >= ctx.limit and found[ctx.limit - 1][0] > up[v]:
                    break
                found.append((peak(v)[0], v))
                found.sort(key=lambda x: (-x[0], f.rank[x[1]]))
        return count, [v for _, v in found[:ctx.limit]]

    flags = []
    roots = ctx.scope.roots
    for r in roots[up[roots] > limit].tolist():
        most, when = peak(r)
        if most <= limit:
            continue
        count, first = crossing(r)
        flags.append(Flag(
            "DOWNLINE_RECRUITMENT_VELOCITY", "warning", f.id(r),
            f"{f.id(r)}'s downline grew by {most:,} members in {p.velocity_days} days "
            f"(the policy's rate is {limit:,})",
            {"recruits": most, "peak_at": when, "days": p.velocity_days,
             "max_recruits": limit, "downline": int(f.size[r]),
             "crossing_members": count + 1},
            evidence=[f.deepest_path(r)] if ctx.limit else [],
            timeline=ctx.timeline(r),
            related=ctx.names(first),
        ))
    ctx.check("DOWNLINE_RECRUITMENT_VELOCITY", True, flags)
