"""Checks of the data itself: second referrers, referral cycles, stub or untied
promoters, and the referral rows the loads refused."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import networkx as nx
import numpy as np

from refnet.loaders.quarantine import read_refused_referrals

from .context import Context, Sales
from .forest import Forest
from .results import Flag

__all__ = ['integrity', 'refused_referrals']


def integrity(ctx: Context, sales: Sales) -> None:
    f = ctx.f
    flags = []
    for v in sorted(f.extra, key=lambda v: f.rank[v]):
        if not ctx.scope.whole and ctx.scope.org(np.array([v]))[0] < 0:
            continue
        referrers = [f.id(r) for r in f.extra[v]]
        flags.append(Flag(
            "SECOND_REFERRER", "critical", f.id(v),
            f"{f.id(v)} has {len(referrers)} referrers in the graph "
            f"({', '.join(referrers)}); the first one stays in the tree",
            {"referrers": len(referrers)},
            evidence=[[r, f.id(v)] for r in referrers[:ctx.limit]],
            related=referrers[:ctx.limit]))
    ctx.check("SECOND_REFERRER", True, flags)

    if not ctx.scope.whole:
        ctx.check("REFERRAL_CYCLE", False, note="a whole-graph check (no root)")
    else:
        flags = []
        for component, graph in _cycles(f):
            cycle = [f.id(a) for a, _ in nx.find_cycle(graph)]
            first = min(range(len(cycle)), key=lambda i: cycle[i])
            cycle = cycle[first:] + cycle[:first]
            flags.append(Flag(
                "REFERRAL_CYCLE", "critical", cycle[0],
                f"referrals form a cycle through {len(component)} members: "
                f"{' → '.join([*cycle, cycle[0]])}",
                {"members": len(component)}, evidence=[[*cycle, cycle[0]]],
                related=sorted(f.id(v) for v in component)[:ctx.limit]))
        ctx.check("REFERRAL_CYCLE", True, flags)

    promoter = sales.promoter
    known = promoter >= 0
    known[known] &= f.present[promoter[known]]
    if not ctx.scope.whole:
        known &= ctx.scope.org(promoter) >= 0
    who = np.maximum(promoter, 0)
    stub = [i for i, s in enumerate(f.snap.member_statuses) if s == "stub"]
    is_stub = known & np.isin(np.asarray(f.snap.m_status)[f.lo + who], stub)
    recruits = np.bincount(f.ep[f.ep >= 0], minlength=f.n)
    # a report on one downline knows no referrer above its root (as it always has)
    untied = known & ~is_stub & ((f.ep[who] < 0) | (who == ctx.scope.top)) \
        & (recruits[who] == 0)
    flags = []
    for code, severity, found, what in (
        ("STUB_PROMOTER", "warning", np.flatnonzero(is_stub),
         "stub members (accounts no member claims)"),
        ("UNTIED_PROMOTER", "info", np.flatnonzero(untied),
         "members with no referral tie (no referrer, no recruits)"),
    ):
        if not len(found):
            continue
        gmv = sales.sums["gmv"][found]
        found = found[np.lexsort((f.rank[promoter[found]], -gmv))]
        total = int(gmv.sum())
        purchases = int(sales.sums["purchases"][found].sum())
        flags.append(Flag(
            code, severity, None,
            f"{purchases:,} purchases ({total / 100:,.2f} in GMV) are attributed to "
            f"{len(found):,} {what}",
            {"promoters": len(found), "purchases": purchases, "gmv": total,
             "commission": int(sales.sums["commission"][found].sum())},
            evidence=[[f.id(pr)] for pr in promoter[found[:ctx.limit]].tolist()],
            related=ctx.names(promoter[found])))
    ctx.check("STUB_OR_UNTIED_PROMOTER", True, flags)


def _cycles(f: Forest) -> list[tuple[list[int], nx.DiGraph]]:
    """Each strongly connected set of two or more members under the referrals there as
    of then, with the graph of its referrals.

    The snapshot's own edges form a forest, so every cycle takes a later edge (``x_*``).
    The search runs on the members those edges touch, each tied to its nearest such
    member above it in the forest; a set found there is then filled in with the
    members on the forest paths between its own.
    """
    xc, xp = f.x_edges
    if not len(xc):
        return []
    touched = set(xc.tolist()) | set(xp.tolist())
    above: dict[int, int] = {}  # touched member -> nearest touched member above it
    graph = nx.DiGraph(zip(xp.tolist(), xc.tolist(), strict=True))
    for b in touched:
        w = int(f.main[b])
        while w >= 0 and w not in touched:
            w = int(f.main[w])
        if w >= 0:
            above[b] = w
            graph.add_edge(w, b)
    out = []
    for found in nx.strongly_connected_components(graph):
        if len(found) < 2:
            continue
        component = set(found)
        for b in found:
            if above.get(b) in found:
                w = int(f.main[b])
                while w != above[b]:
                    component.add(w)
                    w = int(f.main[w])
        members = sorted(component)
        edges = [(int(f.main[c]), c) for c in members if int(f.main[c]) in component]
        edges += [(p, c) for p, c in zip(xp.tolist(), xc.tolist(), strict=True)
                  if p in component and c in component]
        out.append((members, nx.DiGraph(edges)))
    return out


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
