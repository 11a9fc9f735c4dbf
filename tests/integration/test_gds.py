"""Neo4j's Graph Data Science as a second opinion on refnet's own algorithms.

refnet computes PageRank and CELF on its analytic snapshot (``queries/influence``);
here GDS computes them inside Neo4j on the same graphs, and the answers must agree.
Neo4j only: these are GDS's procedures (FalkorDB's unweighted ``algo.pageRank`` has its
own twin in test_influence.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from refnet.graph.neo4j_store import Neo4jStore
from refnet.graph.store import GraphStore
from refnet.queries import influence, snapshot
from refnet.queries.influence import cascade, projection
from refnet.queries.window import resolve
from tests.graphs import Network
from tests.oracle import gds as gds_answers


@pytest.fixture
def neo4j_only(backend: str, request: pytest.FixtureRequest) -> None:
    if backend != "neo4j":
        pytest.skip("Graph Data Science runs in Neo4j only")
    with Neo4jStore(request.getfixturevalue("neo4j_session_config")) as s:
        if not s.server_info()["gds"]:
            pytest.skip("this Neo4j (NEO4J_URI) has no Graph Data Science")


def _projection(store: GraphStore) -> projection.Projection:
    proj = projection.project(snapshot.current(store, store.config.data_dir),
                              resolve(store).as_of)
    everything = store.execute("MATCH (m:Member) OPTIONAL MATCH (m)-[t:TRUSTS]->() "
                               "RETURN count(DISTINCT m), count(t)").rows[0]
    assert (proj.n, proj.m) == tuple(everything)  # the graph GDS projects whole
    return proj


@pytest.mark.usefixtures("neo4j_only")
@pytest.mark.parametrize("alpha", [0.85, 0.5])
def test_gds_pagerank_agrees_weighted_on_the_synthetic_network(
        synthetic_store: GraphStore, alpha: float) -> None:
    proj = _projection(synthetic_store)
    ours, _ = influence.pagerank(proj.trust_matrix(), alpha=alpha)
    gds = np.zeros(proj.n)
    with gds_answers.projected(synthetic_store, "NATURAL") as graph:
        rows = gds_answers.pagerank(synthetic_store, graph, alpha)
    assert len(rows) == proj.n
    for member, score in rows:
        gds[proj.index(member)] = score
    gds /= gds.sum()
    assert np.abs(gds - ours).max() < 1e-7  # scores ~1e-2; GDS stops by its own rule
    assert list(np.argsort(-ours, kind="stable")[:20]) == \
        list(np.argsort(-gds, kind="stable")[:20])


def _stars(store: GraphStore, tmp_path: Path, weight: float) -> None:
    """Two stars: five members trust b, three trust c, with one weight on every edge."""
    net = Network()
    for m in ["b", "c", *(f"x{i}" for i in range(5)), *(f"y{i}" for i in range(3))]:
        net.member(m)
    for i in range(5):
        net.trust(f"x{i}", "b", weight, day=0)
    for i in range(3):
        net.trust(f"y{i}", "c", weight, day=0)
    net.load(store, tmp_path)


@pytest.mark.usefixtures("neo4j_only")
@pytest.mark.parametrize(("p", "runs", "within"), [(1.0, 10, 0.0), (0.5, 4_000, 0.25)])
def test_gds_celf_agrees_with_refnets_celf(store: GraphStore, tmp_path: Path, p: float,
                                           runs: int, within: float) -> None:
    """GDS's CELF takes one probability for every edge, so every trust weight is ``p``:
    the seeds must be the two stars' centres, b first, and the spreads agree (exactly
    when every edge fires, within Monte-Carlo error otherwise: 6.0 expected at 0.5)."""
    _stars(store, tmp_path, p)
    proj = _projection(store)
    ours = cascade.celf(proj.influence_matrix(), 2, runs=runs, seed=1)
    assert [proj.member(v) for v in ours.seeds] == ["b", "c"]
    with gds_answers.projected(store, "REVERSE") as graph:
        gains = gds_answers.celf(store, graph, 2, p, runs, seed=1)
    assert set(gains) == {"b", "c"}
    assert gains["b"] > gains["c"]
    assert abs(sum(gains.values()) - ours.estimate) <= within * 2
    assert abs(sum(gains.values()) - (6 if p < 1 else 10)) <= within * 2
