"""Evidence that stands on its own, for a case file: every member the threshold counts,
the purchases behind each commission-depth flag, and the relationship chart
(传销人员关系图) of the organization, from the report's forest (no elision: a renderer
may fold what is long, the data holds all of it).

The chart draws the organization level by level, who recruited whom, with the members
the findings name marked. Past ``max_nodes`` (a page holds ~2,000) it draws the top
levels member by member and, below the deepest level that still fits, one group per
(branch head, level): the members on that level under that head, counted. Its members
drawn plus its groups' members always equal the organization's people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from refnet.graph.store import GraphStore

from .context import Context
from .forest import Forest
from .opinion import counted_members
from .results import Assessment, ComplianceReport
from .structure import deep_purchases

__all__ = ["MAX_NODES", "ChartGroup", "ChartNode", "CountedLevel", "CountedOrganization",
           "DepthPurchase", "Platforms", "RelationshipChart", "chart", "counted",
           "depth_purchases", "flagged", "platforms"]

MAX_NODES = 2_000  # members a chart draws one by one before it groups the deeper levels

Platforms = Callable[[list[str]], dict[str, str | None]]


def platforms(store: GraphStore) -> Platforms:
    """The platform of each order id (``compliance/order_platforms``)."""
    def read(ids: list[str]) -> dict[str, str | None]:
        if not ids:
            return {}
        rows = store.run("compliance/order_platforms", {"ids": ids}).records()
        return {r["id"]: r["platform"] for r in rows}
    return read


@dataclass(frozen=True)
class CountedLevel:
    """The members counted on one level."""

    level: int  # the level, the organizer's first
    members: list[str]  # every member counted on it, in the tree's order


@dataclass(frozen=True)
class CountedOrganization:
    """Every member the opinion counts in one organization, level by level."""

    root: str  # the organizer
    people: int  # members listed, the organizer included
    levels: list[CountedLevel]


@dataclass(frozen=True)
class DepthPurchase:
    """One purchase behind a commission-depth flag."""

    order_id: str  # the platform's order id
    platform: str | None  # the promoter's platform (the model keeps none per order)
    at: int  # when it was paid (UTC; shown in the organization's zone)
    amount: int
    commission: int
    buyer: str  # the buying member
    promoter: str  # the member paid the commission
    levels: int  # levels from the promoter down to the buyer
    chain: list[str]  # the promoter, every member between, the buyer


@dataclass(frozen=True)
class ChartNode:
    """A member drawn on the relationship chart."""

    member: str  # the member's id
    recruiter: str | None  # who recruited them; null for the organizer
    level: int  # the level, the organizer's first
    downline: int  # members below them
    codes: list[str]  # the findings naming them (flag codes); empty: none


@dataclass(frozen=True)
class ChartGroup:
    """Members on one level of one branch, counted rather than drawn."""

    head: str  # the member drawn above them, whose branch they are in
    level: int  # their level, the organizer's first
    members: int  # how many
    flagged: list[str]  # those the findings name


@dataclass(frozen=True)
class RelationshipChart:
    """The organization drawn level by level (传销人员关系图): len(nodes) plus the groups'
    members is its people."""

    root: str  # the organizer
    people: int  # members of the organization, the organizer included
    levels: int  # its levels, the organizer's own first
    per_level: list[int]  # members per level, the organizer's first
    drawn_levels: int  # levels drawn member by member; deeper ones are grouped
    nodes: list[ChartNode]  # in the tree's order, each after its recruiter
    groups: list[ChartGroup]  # by head, then level


def flagged(report: ComplianceReport) -> dict[str, list[str]]:
    """Member id -> the codes of the findings naming it: the flag's member, its related
    members, and the last member of each evidence chain."""
    out: dict[str, list[str]] = {}

    def mark(member: str | None, code: str) -> None:
        if member is not None and code not in out.setdefault(member, []):
            out[member].append(code)

    for f in report.flags:
        mark(f.member, f.code)
        for m in f.related:
            mark(m, f.code)
        for path in f.evidence:
            if path:
                mark(path[-1], f.code)
    return out


def chart(ctx: Context, root: int, marks: dict[str, list[str]],
          max_nodes: int = MAX_NODES) -> RelationshipChart:
    """``root``'s organization as a chart of at most about ``max_nodes`` entries."""
    f = ctx.f
    members = f.subtree(root)  # preorder: a recruiter before its recruits
    rel = f.depth[members] - f.depth[root]
    per_level = np.bincount(rel).tolist()
    levels = len(per_level)

    def groups_at(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Members below level ``k`` (0-based depth >= k): their head at depth k - 1 and
        their depth; grouped by (head, depth)."""
        deep = np.flatnonzero(rel >= k)
        heads_at = np.flatnonzero(rel == k - 1)
        head = heads_at[np.searchsorted(heads_at, deep, side="right") - 1]
        return deep, head, rel[deep]

    drawn = levels
    while drawn > 1:
        inside = sum(per_level[:drawn])
        if inside <= max_nodes:
            if drawn == levels:
                break
            _, head, depth = groups_at(drawn)
            if inside + len(np.unique(head * levels + depth)) <= max_nodes:
                break
        drawn -= 1
    nodes = []
    for i in np.flatnonzero(rel < drawn).tolist():
        v = int(members[i])
        nodes.append(ChartNode(f.id(v), None if v == root else f.id(int(f.ep[v])),
                               int(rel[i]) + 1, int(f.size[v]), marks.get(f.id(v), [])))
    groups = []
    if drawn < levels:
        deep, head, depth = groups_at(drawn)
        key = head * levels + depth
        order = np.argsort(key, kind="stable")
        for lo, hi in _runs(key[order]):
            these = deep[order[lo:hi]]
            ids = [f.id(int(members[i])) for i in these.tolist()]
            groups.append(ChartGroup(f.id(int(members[head[order[lo]]])),
                                     int(depth[order[lo]]) + 1, len(these),
                                     [m for m in ids if m in marks]))
    return RelationshipChart(f.id(root), len(members), levels, per_level, drawn, nodes,
                             groups)


def _runs(keys: np.ndarray) -> list[tuple[int, int]]:
    if not len(keys):
        return []
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return list(zip(starts.tolist(), [*starts[1:].tolist(), len(keys)], strict=True))


def counted(ctx: Context, assessment: Assessment) -> list[CountedOrganization]:
    """Every member the assessment counts, organization by organization, level by level."""
    f, snap = ctx.f, ctx.f.snap
    out = []
    for org in assessment.organizations:
        pos = snap.position(org.root)
        top = -1 if pos is None else int(f.local(np.array([pos]))[0])
        if top < 0:  # an organization of the same person outside this forest
            f = Forest(snap, ctx.window.end)
            top = int(pos) if pos is not None else -1
        members = counted_members(f, top, org.left_at, org.after_leaving_counted)
        rel = f.depth[members] - f.depth[top]
        levels = [CountedLevel(d + 1, [f.id(int(v)) for v in members[rel == d].tolist()])
                  for d in range(int(rel.max()) + 1)]
        out.append(CountedOrganization(org.root, len(members), levels))
    return out


def depth_purchases(ctx: Context, platform_of: Platforms | None = None
                    ) -> list[DepthPurchase]:
    """Every purchase behind the report's commission-depth flags, by promoter, then the
    farthest buyer first, then order id."""
    allowed = ctx.policy.max_commission_levels
    if allowed is None:
        return []
    f, snap = ctx.f, ctx.f.snap
    rows, b, pr = deep_purchases(ctx, allowed)
    keys = [bytes(k).decode("utf-8") for k in np.asarray(snap.p_key)[rows]]
    found = platform_of(keys) if platform_of is not None else {}
    distance = f.depth[b] - f.depth[pr]
    order = sorted(range(len(rows)), key=lambda i: (f.rank[pr[i]], -distance[i], keys[i]))
    out = []
    for i in order:
        chain = f.chain(int(b[i]))
        promoter = f.id(int(pr[i]))
        out.append(DepthPurchase(
            keys[i], found.get(keys[i]), int(snap.p_at[rows[i]]), int(snap.p_amount[rows[i]]),
            int(snap.p_commission[rows[i]]), f.id(int(b[i])), promoter, int(distance[i]),
            chain[chain.index(promoter):]))
    return out
