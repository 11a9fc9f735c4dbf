"""Checks of the data itself: second referrers, referral cycles, stub or untied
promoters, and the referral rows the loads refused."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import networkx as nx

from refnet.loaders.quarantine import read_refused_referrals
from refnet.queries.compliance.results import Flag

from .context import Context

__all__ = ['integrity', 'refused_referrals']


def integrity(ctx: Context, sales: list[dict[str, Any]]) -> None:
    f = ctx.f
    flags = []
    for v, referrers in sorted(ctx.f.extra.items(), key=lambda x: f.ids[x[0]]):
        if ctx.scope.org(v) < 0 and not ctx.scope.whole:
            continue
        flags.append(Flag(
            "SECOND_REFERRER", "critical", f.ids[v],
            f"{f.ids[v]} has {len(referrers)} referrers in the graph "
            f"({', '.join(referrers)}); the first one stays in the tree",
            {"referrers": len(referrers)},
            evidence=[[r, f.ids[v]] for r in referrers[:ctx.limit]],
            related=referrers[:ctx.limit]))
    ctx.check("SECOND_REFERRER", True, flags)

    if not ctx.scope.whole:
        ctx.check("REFERRAL_CYCLE", False, note="a whole-graph check (no root)")
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
                related=sorted(f.ids[v] for v in component)[:ctx.limit]))
        ctx.check("REFERRAL_CYCLE", True, flags)

    stubs: list[tuple[int, dict[str, Any]]] = []
    untied: list[tuple[int, dict[str, Any]]] = []
    for row in sales:
        pr = ctx.idx(row["promoter"])
        if pr is None or (ctx.scope.org(pr) < 0 and not ctx.scope.whole):
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
            evidence=[[f.ids[pr]] for pr, _ in found[:ctx.limit]],
            related=[f.ids[pr] for pr, _ in found[:ctx.limit]]))
    ctx.check("STUB_OR_UNTIED_PROMOTER", True, flags)


def refused_referrals(ctx: Context, runs: list[dict[str, Any]]) -> int:
    if not ctx.scope.whole:
        ctx.check("REFUSED_REFERRALS", False, note="a whole-graph check (no root)")
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
                if len(evidence) < ctx.limit:
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
    ctx.check("REFUSED_REFERRALS", True, flags)
    return refused


def _quarantined_referrals(run: dict[str, Any]) -> list[tuple[str, list[str]]] | None:
    """(reason, [referrer, member]) for each referral row a load quarantined, read from the
    quarantine file its run recorded; None when there is none or it is not there."""
    return read_refused_referrals(run.get("quarantine"))
