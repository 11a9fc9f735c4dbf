"""The compliance report from the analytic snapshot: the forest as of the window's end
and the window's sales from columns, each check the policy asks for, the flags sorted.

The load runs (a handful of rows, for the refused-referral counts) are the one read
of the store besides the snapshot's data version. ``tests/oracle/compliance`` keeps
the Cypher aggregations this replaced, and the property tests hold the two equal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from refnet.graph.errors import BadInput
from refnet.graph.store import GraphStore
from refnet.queries import snapshot as snapshots
from refnet.queries.snapshot import Snapshot
from refnet.queries.window import Window, latest_event

from . import integrity, opinion, revenue, structure
from .context import Context, Sales
from .forest import Forest, Scope, team_forest
from .params import MAX_EVIDENCE, ComplianceParams
from .policy import Policy, load
from .results import SEVERITIES, ComplianceReport, Totals

__all__ = ["ask", "report", "report_from", "run"]


def ask(store: GraphStore, params: ComplianceParams,
        latest: Callable[[GraphStore], int | None] = latest_event, *,
        confined: bool = False) -> ComplianceReport:
    """The compliance question as every front end asks it. ``confined``: the caller sees
    one team only (an organizer's key), so the opinion adds up no other organization of
    the same person (``Policy.confined``): it would name and count teams outside."""
    policy = load(params.policy).with_plan_levels(params.plan_levels)
    if confined:
        policy = policy.confined()
    return report(store, policy, params.window(store, latest), root_id=params.root_id,
                  evidence_limit=params.evidence)


def report(store: GraphStore, policy: Policy, window: Window, *, root_id: str | None = None,
           evidence_limit: int = 5) -> ComplianceReport:
    """Run every check ``policy`` asks for over ``window`` (optionally one downline),
    from the snapshot of the store's current data version.

    ``evidence_limit`` bounds the chains (and related members) each flag lists; the
    counts in its numbers are always complete.
    """
    _check(policy, window, evidence_limit)
    snap = snapshots.current(store, store.config.data_dir)
    runs = store.run("compliance/load_runs").records() if root_id is None else []
    return report_from(snap, policy, window, root_id=root_id, evidence_limit=evidence_limit,
                       runs=runs, leaders=opinion.lookup(store))


def _check(policy: Any, window: Any, evidence_limit: Any) -> None:
    if not isinstance(policy, Policy):
        raise BadInput("policy must be a Policy "
                       "(refnet.queries.compliance.policy.load(name_or_path))")
    if not isinstance(window, Window):
        raise BadInput("window must be a Window (refnet.queries.window.resolve(...))")
    if isinstance(evidence_limit, bool) or not isinstance(evidence_limit, int) \
            or not 0 <= evidence_limit <= MAX_EVIDENCE:
        raise BadInput(f"evidence_limit must be a whole number from 0 to {MAX_EVIDENCE}, "
                       f"got {evidence_limit!r}")


def report_from(snap: Snapshot, policy: Policy, window: Window, *,
                root_id: str | None = None, evidence_limit: int = 5,
                runs: list[dict[str, Any]] | None = None,
                leaders: opinion.Lookup | None = None) -> ComplianceReport:
    """The report from ``snap``'s columns; ``runs`` are the load runs
    (``compliance/load_runs``) whose refused referrals a whole-network report counts;
    ``leaders`` reads who left when and which members are one person (``opinion``),
    which the snapshot does not hold (None: nobody left, every member its own person).

    A report on one downline reads the root's snapshot slice alone when that decides
    the downline (``team_forest``), the whole forest otherwise: the same answer, at the
    team's cost rather than the network's."""
    return run(snap, policy, window, root_id=root_id, evidence_limit=evidence_limit,
               runs=runs, leaders=leaders)[0]


def run(snap: Snapshot, policy: Policy, window: Window, *, root_id: str | None = None,
        evidence_limit: int = 5, runs: list[dict[str, Any]] | None = None,
        leaders: opinion.Lookup | None = None) -> tuple[ComplianceReport, Context]:
    """``report_from`` with the context it ran in (the forest, the scope), which the case
    file's evidence reads further."""
    _check(policy, window, evidence_limit)
    forest = team_forest(snap, window.end, root_id) if root_id is not None else None
    if forest is None:
        forest = Forest(snap, window.end)
    scope = Scope(forest, root_id, window)
    sales = Sales(forest, window)
    ctx = Context(forest, scope, policy, window, evidence_limit)
    structure.threshold(ctx)
    structure.commission_depth(ctx)
    structure.plan_depth(ctx, sales)
    structure.velocity(ctx)
    money = revenue.revenue(ctx, sales)
    buying, entry_only = revenue.entry_only(ctx)
    integrity.integrity(ctx, sales)
    refused = integrity.refused_referrals(ctx, runs or [])
    assessed = opinion.assess(ctx, leaders)
    roots = scope.roots
    totals = Totals(
        members=int(forest.present.sum()) if scope.whole else len(scope.members),
        organizations=int((forest.size[roots] > 0).sum()),
        deepest_levels=int(forest.height[roots].max()) + 1 if len(roots) else 0,
        **money, buying_members=buying, entry_only_buyers=entry_only,
        refused_referrals=refused,
    )
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    flags = sorted(ctx.flags, key=lambda f: (-rank[f.severity], f.code, f.member or ""))
    return ComplianceReport(policy, window.describe(), window.start, window.end, root_id,
                            evidence_limit, totals, ctx.checks, flags,
                            data_version=snap.version, opinion=assessed), ctx
