"""The compliance report through Cypher (the oracle): read the forest and the sales,
run each check the policy asks for, sort the flags."""

from __future__ import annotations

from refnet.graph.errors import BadInput
from refnet.graph.store import GraphStore
from refnet.queries.compliance.params import MAX_EVIDENCE
from refnet.queries.compliance.policy import Policy
from refnet.queries.compliance.results import SEVERITIES, ComplianceReport, Totals
from refnet.queries.window import Window

from . import integrity, revenue, structure
from .context import Context, sales_row
from .forest import Forest, Scope

__all__ = ["report"]

_WHOLE = {
    "members": "compliance/members",
    "referrals": "compliance/referrals",
    "promoter_sales": "compliance/promoter_sales",
    "member_pairs": "compliance/member_pairs",
    "buyers": "compliance/buyers",
}
_BELOW = {
    "members": "downline/team",  # the one way to scope to a team
    "referrals": "compliance/referrals_below",
    "promoter_sales": "compliance/promoter_sales_below",
    "member_pairs": "compliance/member_pairs_below",
    "buyers": "compliance/buyers_below",
}




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
    forest = Forest(store.run(names["members"], params).rows,
                     store.run(names["referrals"], params).rows)
    scope = Scope(forest, root_id, window)
    sales = [sales_row(r) for r in store.run(names["promoter_sales"], params).records()]
    pairs = store.run(names["member_pairs"], params).records()
    buyers = store.run(names["buyers"], params).records()
    runs = store.run("compliance/load_runs").records() if root_id is None else []
    ctx = Context(forest, scope, policy, window, evidence_limit)
    structure.threshold(ctx)
    structure.commission_depth(ctx, pairs)
    structure.plan_depth(ctx, sales)
    structure.velocity(ctx)
    money = revenue.revenue(ctx, sales)
    buying, entry_only = revenue.entry_only(ctx, buyers)
    integrity.integrity(ctx, sales)
    refused = integrity.refused_referrals(ctx, runs)
    totals = Totals(
        members=len(forest.ids) if scope.whole else len(scope.members),
        organizations=sum(1 for r in scope.roots if forest.children[r]),
        deepest_levels=max((forest.height[r] + 1 for r in scope.roots), default=0),
        **money, buying_members=buying, entry_only_buyers=entry_only,
        refused_referrals=refused,
    )
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    flags = sorted(ctx.flags, key=lambda f: (-rank[f.severity], f.code, f.member or ""))
    return ComplianceReport(policy, window.describe(), window.start, window.end, root_id,
                            evidence_limit, totals, ctx.checks, flags)
