"""The analysis behind one organization's compliance case file: the report with every
chain in full, the 2013 opinion's assessment of its organizer, every member counted,
the purchases behind each commission-depth flag, the relationship chart, and a what-if
under another policy. Data only: the HTML/PDF case file renders it.

``build`` reads the store's current snapshot (and, through parameterized lookups, the
leaders' accounts and departures and the flagged orders' platforms); ``build_from`` is
the same from a snapshot and those lookups.
"""

from __future__ import annotations

from dataclasses import dataclass

from refnet.graph.errors import BadInput
from refnet.graph.store import GraphStore
from refnet.queries import snapshot as snapshots
from refnet.queries.snapshot import Snapshot
from refnet.queries.window import Window

from . import evidence, opinion
from .evidence import CountedOrganization, DepthPurchase, RelationshipChart
from .params import MAX_EVIDENCE, CaseFileParams
from .policy import Policy, load
from .report import run
from .results import Assessment, ComplianceReport
from .whatif import Scenario, WhatIf, simulate

__all__ = ["CaseFile", "ask", "build", "build_from"]


@dataclass(frozen=True)
class CaseFile:
    """What a case file on one organization shows, as data (see the module)."""

    report: ComplianceReport  # the compliance report on the downline, chains in full
    root: str  # the organizer the case file is about
    assessment: Assessment | None  # the 2013 opinion (null: the policy has no [opinion])
    counted: list[CountedOrganization]  # every member the assessment counts
    depth_purchases: list[DepthPurchase]  # every purchase behind a commission-depth flag
    chart: RelationshipChart  # the relationship chart (传销人员关系图)
    whatif: WhatIf | None  # the alternative policy applied (null: none asked)


def ask(store: GraphStore, params: CaseFileParams, *, confined: bool = False) -> CaseFile:
    """The case file's analysis as every front end asks for it: the policy (with the
    declared plan, and ``confined`` as the compliance question's ``ask``), the window,
    and the what-if ``params`` name, if any."""
    policy = load(params.policy).with_plan_levels(params.plan_levels)
    if confined:
        policy = policy.confined()
    scenario = Scenario(_scenario_name(params), params.whatif_levels,
                        entry_packages=params.whatif_entry == "keep",
                        reassign=params.whatif_beyond == "upline") if params.whatif else None
    return build(store, policy, params.window(store), params.root_id, scenario=scenario)


def _scenario_name(params: CaseFileParams) -> str:
    """What the what-if is, in its own words: ``levels<=2, no entry packages``."""
    parts = []
    if params.whatif_levels is not None:
        parts.append(f"levels<={params.whatif_levels}"
                     + (", beyond to the upline" if params.whatif_beyond == "upline" else ""))
    if params.whatif_entry == "remove":
        parts.append("no entry packages")
    return ", ".join(parts)


def build(store: GraphStore, policy: Policy, window: Window, root_id: str, *,
          scenario: Scenario | None = None, max_nodes: int = evidence.MAX_NODES,
          top: int = 20) -> CaseFile:
    """The case file's analysis of ``root_id``'s organization from the current snapshot."""
    snap = snapshots.current(store, store.config.data_dir)
    return build_from(snap, policy, window, root_id, scenario=scenario, max_nodes=max_nodes,
                      top=top, leaders=opinion.lookup(store),
                      platforms=evidence.platforms(store))


def build_from(snap: Snapshot, policy: Policy, window: Window, root_id: str, *,
               scenario: Scenario | None = None, max_nodes: int = evidence.MAX_NODES,
               top: int = 20, leaders: opinion.Lookup | None = None,
               platforms: evidence.Platforms | None = None) -> CaseFile:
    """``build`` from ``snap``; ``leaders`` and ``platforms`` as ``report_from``'s."""
    if not isinstance(root_id, str) or not root_id.strip():
        raise BadInput("a case file is about one organization: root_id must be a member id")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise BadInput(f"max_nodes must be a whole number of at least 1, got {max_nodes!r}")
    report, ctx = run(snap, policy, window, root_id=root_id, evidence_limit=MAX_EVIDENCE,
                      leaders=leaders)
    root = int(ctx.scope.top)
    assessment = report.opinion[0] if report.opinion else None
    return CaseFile(
        report, root_id, assessment,
        evidence.counted(ctx, assessment) if assessment is not None else [],
        evidence.depth_purchases(ctx, platforms),
        evidence.chart(ctx, root, evidence.flagged(report), max_nodes),
        simulate(ctx, scenario, top) if scenario is not None else None,
    )
