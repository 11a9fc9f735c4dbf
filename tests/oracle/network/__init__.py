"""The oracle: the network summary through the Cypher walks the snapshot replaced.

``refnet.queries.network.summary`` answers from the analytic snapshot; this is the same
summary as three Cypher queries (``network/counts``, which stays in the product for
``refnet db status``, and the two walks beside this file), kept so that property tests
can hold the snapshot's numbers equal to it. It returns the product's result types.
"""

from __future__ import annotations

from refnet.graph.store import GraphStore
from refnet.queries.network import NetworkSummary, Tree

__all__ = ["summary"]


def summary(store: GraphStore, *, top: int = 3) -> NetworkSummary:
    """Totals, the deepest chain and the ``top`` largest organizations, through Cypher."""
    counts = store.run("network/counts").single()
    chain = store.run("network/deepest_chain").records()
    trees = store.run("network/largest_trees", {"top": top}).records()
    return NetworkSummary(
        **{k: int(v or 0) for k, v in counts.items()},
        deepest_chain=list(chain[0]["chain"]) if chain else [],
        largest=[Tree(t["root"], int(t["members"])) for t in trees],
    )
