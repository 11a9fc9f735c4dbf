"""The network at a glance: sizes, organizations, the deepest chain, purchases, GMV.

This is the summary ``refnet demo`` opens with; the four questions (downline health,
compliance, influence, conversion) go deeper. It reads the analytic snapshot
(``queries.snapshot``) of the store's current data version, the whole graph with no
as-of:

* **roots** are members no REFERRED edge points at, **organizations** the roots with at
  least one recruit. The snapshot's forest makes a cycle's cut member a root too, so the
  referral edges the forest cannot hold (the ``x_*`` columns: later referrers, cycle cuts)
  count as well.
* **largest** organizations by members: 1 + the referral paths down from the root, which
  in a forest is the subtree's size (``size``); the **deepest chain** is the longest path
  from a root down to a member who recruited no one, ties to the smallest root id, then
  the first in id order. With ``x_*`` edges (never made by the loader: it keeps the first
  referrer and refuses cycles) both are counted over every edge, as the Cypher walk
  (``tests/oracle/network``) counts paths; referral cycles are left to the forest.

``network/counts`` (a store-level count, ``refnet db status``) stays Cypher: it is no
question, and a status must not build a snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from refnet.graph.store import GraphStore
from refnet.queries import snapshot as snapshots
from refnet.queries.snapshot import Snapshot

__all__ = ["NetworkSummary", "Tree", "summary", "summary_from"]


@dataclass(frozen=True)
class Tree:
    """One organization: its root member and how many members its tree holds."""

    root: str
    members: int


@dataclass(frozen=True)
class NetworkSummary:
    members: int
    roots: int
    organizations: int
    trust_edges: int
    shares: int
    clicks: int
    purchases: int
    gmv: int  # minor units, paid or settled purchases
    commission: int  # minor units
    deepest_chain: list[str] = field(default_factory=list)  # root first
    largest: list[Tree] = field(default_factory=list)

    @property
    def depth(self) -> int:
        """Edges in the deepest referral chain (0 for an empty or flat network)."""
        return max(len(self.deepest_chain) - 1, 0)


def summary(store: GraphStore, *, top: int = 3) -> NetworkSummary:
    """Totals, the deepest chain and the ``top`` largest organizations, from the snapshot
    of the store's current data version."""
    return summary_from(snapshots.current(store, store.config.data_dir), top=top)


def summary_from(snap: Snapshot, *, top: int = 3) -> NetworkSummary:
    """``summary`` from ``snap``'s columns."""
    n = snap.members
    parent = np.asarray(snap.parent)
    x_child, x_parent = np.asarray(snap.x_child), np.asarray(snap.x_parent)
    referred = parent >= 0
    referred[x_child] = True
    recruits = np.asarray(snap.size) > 1
    recruits[x_parent] = True
    orgs = np.flatnonzero(~referred & recruits)  # in preorder: roots in id order
    counted = np.isin(snap.p_status, snap.status_codes("paid", "settled"))
    walked = _paths(snap) if len(x_child) else None
    members, longest = walked or (np.asarray(snap.size, dtype=np.int64), None)
    order = np.argsort(-members[orgs], kind="stable")[:top]
    return NetworkSummary(
        members=n,
        roots=int(n - referred.sum()),
        organizations=len(orgs),
        trust_edges=len(snap.t_src),
        shares=len(snap.s_at),
        clicks=len(snap.c_at),
        purchases=len(snap.p_at),
        gmv=int(np.asarray(snap.p_amount)[counted].sum()),
        commission=int(np.asarray(snap.p_commission)[counted].sum()),
        deepest_chain=_deepest(snap, orgs, longest),
        largest=[Tree(str(snap.ids[r]), int(members[r])) for r in orgs[order].tolist()],
    )


def _deepest(snap: Snapshot, orgs: np.ndarray, longest: np.ndarray | None) -> list[str]:
    """The ids along the longest chain from an organization's root down to a member who
    recruited no one, root first."""
    if not len(orgs):
        return []
    if longest is None:  # a forest: the deepest member of the organizations' trees
        in_org = np.zeros(snap.members + 1, dtype=np.int64)
        np.add.at(in_org, orgs, 1)
        np.add.at(in_org, orgs + np.asarray(snap.size)[orgs], -1)
        depth = np.where(np.cumsum(in_org[:-1]) > 0, np.asarray(snap.depth), -1)
        q = int(np.argmax(depth))  # the first in preorder: smallest root id, then ids
        path = [q]
        while int(snap.parent[path[-1]]) >= 0:
            path.append(int(snap.parent[path[-1]]))
        return [str(snap.ids[p]) for p in reversed(path)]
    r = int(orgs[np.argmax(longest[orgs])])
    kids = _children(snap)
    path = [r]
    while longest[path[-1]] > 0:  # down a recruit whose own chain is one shorter
        step = [c for c in kids.get(path[-1], []) if longest[c] == longest[path[-1]] - 1]
        path.append(min(step, key=lambda c: str(snap.ids[c])))
    return [str(snap.ids[p]) for p in path]


def _edges(snap: Snapshot) -> tuple[np.ndarray, np.ndarray]:
    """Every referral edge (the forest's and the ``x_*`` ones) as (parent, child)."""
    parent = np.asarray(snap.parent, dtype=np.int64)
    child = np.flatnonzero(parent >= 0)
    return (np.concatenate([parent[child], np.asarray(snap.x_parent, dtype=np.int64)]),
            np.concatenate([child, np.asarray(snap.x_child, dtype=np.int64)]))


def _children(snap: Snapshot) -> dict[int, list[int]]:
    src, dst = _edges(snap)
    kids: dict[int, list[int]] = {}
    for a, b in zip(src.tolist(), dst.tolist(), strict=True):
        kids.setdefault(a, []).append(b)
    return kids


def _paths(snap: Snapshot) -> tuple[np.ndarray, np.ndarray] | None:
    """Over every referral edge: per member, 1 + the number of paths down from it (the
    members a Cypher walk down counts, a member reached twice counted twice), and the
    longest path down. Relaxed to the fixed point, one pass per level; a referral cycle
    never settles, and then the forest answers (None)."""
    n = snap.members
    src, dst = _edges(snap)
    graph = sparse.coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    parts, _ = csgraph.connected_components(graph, directed=True, connection="strong")
    if parts < n:  # a strongly connected part of two or more members: a cycle
        return None
    below = np.zeros(n, dtype=np.int64)
    longest = np.zeros(n, dtype=np.int64)
    while True:  # settles after the longest path's length in passes
        nxt = np.zeros(n, dtype=np.int64)
        np.add.at(nxt, src, 1 + below[dst])
        far = np.zeros(n, dtype=np.int64)
        np.maximum.at(far, src, 1 + longest[dst])
        if np.array_equal(nxt, below) and np.array_equal(far, longest):
            return below + 1, longest
        below, longest = nxt, far
