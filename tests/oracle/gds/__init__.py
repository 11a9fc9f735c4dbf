"""Neo4j's Graph Data Science, asked for the answers refnet computes itself: the trust
network projected, weighted PageRank on it, and CELF influence maximisation. The second
opinion ``tests/integration/test_gds.py`` holds refnet's answers to."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from refnet.graph.neo4j_store import Neo4jStore
from refnet.graph.store import GraphStore

__all__ = ["celf", "pagerank", "projected"]


@contextmanager
def projected(store: GraphStore, orientation: str) -> Iterator[str]:
    """A GDS projection of the trust network, dropped afterwards; yields its name."""
    assert isinstance(store, Neo4jStore)
    graph = f"refnet_test_{uuid.uuid4().hex[:8]}"
    store.run("gds/project_trust", {"graph": graph, "orientation": orientation})
    try:
        yield graph
    finally:
        store.run("gds/drop", {"graph": graph})


def pagerank(store: GraphStore, graph: str, alpha: float) -> list[Any]:
    """(member, score) rows of weighted PageRank on the projection ``graph``."""
    return store.run("gds/pagerank", {"graph": graph, "alpha": alpha}).rows


def celf(store: GraphStore, graph: str, k: int, p: float, runs: int,
         seed: int) -> dict[str, float]:
    """The ``k`` seeds CELF picks with one probability ``p`` on every edge, and their
    spread (``member -> spread``)."""
    rows = store.run("gds/celf", {"graph": graph, "k": k, "p": p, "runs": runs,
                                  "seed": seed}).records()
    return {r["member"]: r["spread"] for r in rows}
