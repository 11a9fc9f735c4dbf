"""The network at a glance: sizes, organizations, the deepest chain, purchases, GMV.

This is the summary ``refnet demo`` opens with; the four questions (downline health,
compliance, influence, conversion) go deeper.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from refnet.graph.store import GraphStore

__all__ = ["NetworkSummary", "Tree", "summary"]


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
    """Totals, the deepest chain and the ``top`` largest organizations."""
    counts = store.run("network/counts").single()
    chain = store.run("network/deepest_chain").records()
    trees = store.run("network/largest_trees", {"top": top}).records()
    return NetworkSummary(
        **{k: int(v or 0) for k, v in counts.items()},
        deepest_chain=list(chain[0]["chain"]) if chain else [],
        largest=[Tree(t["root"], int(t["members"])) for t in trees],
    )
