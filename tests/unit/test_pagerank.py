"""PageRank on a sparse matrix equals networkx.pagerank on the same graph and parameters."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from refnet.graph.errors import BadInput
from refnet.queries.influence import pagerank


def _matrix(g: nx.DiGraph) -> tuple[list, sp.csr_array]:
    nodes = list(g)
    index = {v: i for i, v in enumerate(nodes)}
    rows, cols, data = [], [], []
    for u, v, w in g.edges(data="weight", default=1.0):
        rows.append(index[u])
        cols.append(index[v])
        data.append(w)
    return nodes, sp.csr_array((data, (rows, cols)), shape=(len(nodes), len(nodes)))


def _compare(g: nx.DiGraph, personalization: dict | None = None, alpha: float = 0.85,
             tol: float = 1e-10) -> None:
    nodes, a = _matrix(g)
    expected = nx.pagerank(g, alpha=alpha, weight="weight", personalization=personalization,
                           tol=tol, max_iter=1000)
    vector = None
    if personalization is not None:
        vector = np.array([personalization.get(v, 0.0) for v in nodes])
    ours, iterations = pagerank(a, alpha=alpha, personalization=vector, tol=tol)
    assert iterations >= 1
    assert ours.sum() == pytest.approx(1.0, abs=1e-9)
    for i, v in enumerate(nodes):
        assert ours[i] == pytest.approx(expected[v], abs=1e-6), v


def _random_weighted(n: int, m: int, seed: int) -> nx.DiGraph:
    rng = np.random.default_rng(seed)
    g = nx.gnm_random_graph(n, m, seed=seed, directed=True)
    for u, v in g.edges:
        g[u][v]["weight"] = float(rng.uniform(0.01, 1.0))
    return g


def test_star_pointing_in() -> None:
    # leaves trust the centre: the centre gets the rank, leaves are left with teleports
    g = nx.DiGraph([(leaf, 0) for leaf in range(1, 8)])
    _compare(g)
    nodes, a = _matrix(g)
    scores, _ = pagerank(a)
    assert nodes[scores.argmax()] == 0


def test_star_pointing_out_all_leaves_dangling() -> None:
    _compare(nx.DiGraph([(0, leaf) for leaf in range(1, 8)]))


def test_path_weighted() -> None:
    g = nx.DiGraph()
    nx.add_path(g, range(6))
    for i, (u, v) in enumerate(g.edges):
        g[u][v]["weight"] = 0.1 + 0.15 * i
    _compare(g)


def test_complete_k5_is_uniform() -> None:
    g = nx.complete_graph(5, create_using=nx.DiGraph)
    _compare(g)
    _, a = _matrix(g)
    scores, _ = pagerank(a)
    assert np.allclose(scores, 0.2)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_weighted_digraph_with_dangling_nodes(seed: int) -> None:
    g = _random_weighted(200, 500, seed)
    g.add_nodes_from(range(200, 220))  # isolated: dangling
    assert any(g.out_degree(v) == 0 for v in g)
    _compare(g)


@pytest.mark.parametrize("alpha", [0.5, 0.85, 0.95])
def test_alpha(alpha: float) -> None:
    _compare(_random_weighted(80, 300, 7), alpha=alpha)


def test_personalized_from_a_seed_set() -> None:
    g = _random_weighted(150, 450, 4)
    g.add_nodes_from(range(150, 160))
    _compare(g, personalization={3: 1.0, 17: 1.0, 40: 1.0})
    _compare(g, personalization={3: 2.0, 17: 0.5})


def test_networkx_default_tolerance_agrees_too() -> None:
    # same parameters, same stopping rule: equal even when stopped early
    g = _random_weighted(300, 900, 9)
    nodes, a = _matrix(g)
    expected = nx.pagerank(g, weight="weight")
    ours, _ = pagerank(a, tol=1e-6, max_iter=100)
    assert np.allclose(ours, [expected[v] for v in nodes], atol=1e-12, rtol=0)


def test_empty_graph() -> None:
    scores, iterations = pagerank(sp.csr_array((0, 0)))
    assert len(scores) == 0 and iterations == 0


@pytest.mark.parametrize("kwargs", [
    {"alpha": 1.0}, {"alpha": 0.0}, {"personalization": np.zeros(3)},
    {"personalization": np.array([1.0, -1.0, 1.0])}, {"personalization": np.ones(2)},
])
def test_bad_arguments(kwargs: dict) -> None:
    with pytest.raises(BadInput):
        pagerank(sp.csr_array(np.ones((3, 3))), **kwargs)


def test_not_converging_is_bad_input() -> None:
    g = _random_weighted(50, 200, 5)
    _, a = _matrix(g)
    with pytest.raises(BadInput, match="did not converge"):
        pagerank(a, tol=1e-30, max_iter=3)
