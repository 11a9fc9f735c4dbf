"""The independent cascade model: Monte-Carlo spreads, CELF greedy and IMM on known graphs."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from refnet.graph.errors import BadInput
from refnet.queries.influence import cascade, kernels


def _graph(n: int, edges: list[tuple[int, int, float]]) -> sp.csr_array:
    if not edges:
        return sp.csr_array((n, n))
    u, v, p = zip(*edges, strict=True)
    return sp.csr_array((p, (u, v)), shape=(n, n))


def _star(centre: int, leaves: range, p: float = 1.0) -> list[tuple[int, int, float]]:
    return [(centre, leaf, p) for leaf in leaves]


def _random(n: int, m: int, seed: int, scale: float = 0.5) -> sp.csr_array:
    g = nx.gnm_random_graph(n, m, seed=seed, directed=True)
    rng = np.random.default_rng(seed)
    edges = [(u, v, float(rng.uniform(0.05, 1.0) * scale)) for u, v in g.edges]
    return _graph(n, edges)


def _exact_spread(n: int, edges: list[tuple[int, int, float]], seeds: set[int]) -> float:
    """The expected spread by enumerating every live-edge world (tiny graphs only)."""
    total = 0.0
    for live in itertools.product((False, True), repeat=len(edges)):
        prob = math.prod(p if on else 1 - p for on, (_, _, p) in zip(live, edges, strict=True))
        g = nx.DiGraph()
        g.add_nodes_from(range(n))
        g.add_edges_from((u, v) for on, (u, v, _) in zip(live, edges, strict=True) if on)
        reached = set(seeds).union(*(nx.descendants(g, s) for s in seeds))
        total += prob * len(reached)
    return total


# --- simulate -------------------------------------------------------------------------


def test_star_with_certain_edges_reaches_everyone_from_the_centre() -> None:
    g = _graph(6, _star(0, range(1, 6)))
    spreads = cascade.simulate(g, [0], 50, np.random.default_rng(1))
    assert spreads.tolist() == [6] * 50
    assert cascade.simulate(g, [3], 50, np.random.default_rng(1)).tolist() == [1] * 50


def test_direction_follows_the_matrix_rows() -> None:
    g = _graph(3, [(0, 1, 1.0), (1, 2, 1.0)])
    rng = np.random.default_rng(0)
    assert cascade.simulate(g, [0], 5, rng).tolist() == [3] * 5
    assert cascade.simulate(g, [2], 5, rng).tolist() == [1] * 5


def test_zero_probability_edges_never_fire() -> None:
    g = _graph(4, [(0, 1, 0.0), (0, 2, 0.0), (0, 3, 0.0)])
    assert cascade.simulate(g, [0, 1], 20, np.random.default_rng(0)).tolist() == [2] * 20


def test_path_with_half_probability_has_a_geometric_spread() -> None:
    g = _graph(5, [(i, i + 1, 0.5) for i in range(4)])
    spreads = cascade.simulate(g, [0], 40_000, np.random.default_rng(3))
    _, low, high = cascade.spread_ci(spreads)
    assert low <= 1 + 0.5 + 0.25 + 0.125 + 0.0625 <= high
    assert high - low < 0.05


@pytest.mark.parametrize("seed", [0, 1])
def test_simulation_matches_an_exact_enumeration(seed: int) -> None:
    rng = np.random.default_rng(seed)
    edges = [(0, 1, 0.4), (0, 2, 0.7), (1, 3, 0.5), (2, 3, 0.3), (3, 4, 0.9),
             (4, 0, 0.2), (2, 5, 0.6), (5, 4, 0.5)]
    exact = _exact_spread(6, edges, {0})
    spreads = cascade.simulate(_graph(6, edges), [0], 20_000, rng)
    sem = spreads.std(ddof=1) / math.sqrt(len(spreads))
    assert abs(spreads.mean() - exact) < 4 * sem


def test_simulate_is_deterministic_for_a_seed() -> None:
    g = _random(100, 300, 2)
    a = cascade.simulate(g, [1, 2], 200, np.random.default_rng(5))
    b = cascade.simulate(g, [1, 2], 200, np.random.default_rng(5))
    assert a.tolist() == b.tolist()


# --- CELF and IMM on hand-checked graphs ------------------------------------------------


@pytest.mark.parametrize("method", ["celf", "imm"])
def test_star_centre_alone_reaches_everyone(method: str) -> None:
    g = _graph(8, _star(3, [0, 1, 2, 4, 5, 6, 7]))
    result = cascade.celf(g, 1, runs=100) if method == "celf" else cascade.imm(g, 1, runs=100)
    assert result.seeds == [3]
    assert result.spread == result.ci_low == result.ci_high == 8
    assert result.gains == [pytest.approx(8)]


@pytest.mark.parametrize("method", ["celf", "imm"])
def test_path_picks_its_head(method: str) -> None:
    g = _graph(6, [(i, i + 1, 1.0) for i in range(5)])
    result = cascade.celf(g, 1, runs=50) if method == "celf" else cascade.imm(g, 1, runs=50)
    assert result.seeds == [0]
    assert result.spread == 6


@pytest.mark.parametrize("method", ["celf", "imm"])
def test_two_disjoint_stars_k2_picks_both_centres(method: str) -> None:
    g = _graph(12, _star(0, range(1, 7)) + _star(7, range(8, 12)))
    result = cascade.celf(g, 2, runs=50) if method == "celf" else cascade.imm(g, 2, runs=50)
    assert result.seeds == [0, 7]  # the bigger star first
    rel = 1e-9 if method == "celf" else 0.25  # IMM's gains are RR-set estimates
    assert result.gains == [pytest.approx(7, rel=rel), pytest.approx(5, rel=rel)]
    assert result.spread == 12


def test_celf_gains_add_up_and_shrink() -> None:
    result = cascade.celf(_random(150, 450, 3), 6, runs=300, seed=2)
    assert sum(result.gains) == pytest.approx(result.estimate)
    assert all(a >= b for a, b in itertools.pairwise(result.gains))
    assert result.ci_low <= result.spread <= result.ci_high
    assert len(set(result.seeds)) == 6


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_celf_equals_plain_greedy(seed: int) -> None:
    g = _random(120, 400, seed)
    lazy = cascade.celf(g, 5, runs=200, seed=seed)
    plain = cascade.celf(g, 5, runs=200, seed=seed, lazy=False)
    assert lazy.seeds == plain.seeds
    assert lazy.gains == plain.gains


def test_imm_is_close_to_celf_on_a_few_hundred_nodes() -> None:
    g = _random(300, 1_000, 11)
    reference = cascade.celf(g, 5, runs=500, seed=1)
    result = cascade.imm(g, 5, epsilon=0.3, seed=1, runs=2_000)
    assert result.spread >= (1 - 1 / math.e - 0.3) * reference.spread
    assert result.ci_high >= 0.95 * reference.ci_low  # in practice IMM is about as good
    assert all(a >= b for a, b in itertools.pairwise(result.gains))
    assert result.estimate == pytest.approx(sum(result.gains))
    assert result.estimate == pytest.approx(result.spread, rel=0.15)
    assert result.rr_sets >= 1 and result.lower_bound >= 1


def test_imm_sample_sizes_follow_opim_c() -> None:
    # theta_0 and theta_max as in Tang et al. 2018 (delta = 1/n^ell); the sets drawn are
    # one size of the schedule theta_0 * GROWTH^i, capped at theta_max
    n, k, eps, ell = 300, 5, 0.5, 1.0
    plan = cascade._Plan.of(n, k, eps, ell)
    delta = n ** -ell
    alpha = math.sqrt(math.log(6 / delta))
    beta = math.sqrt((1 - 1 / math.e) * (math.log(math.comb(n, k)) + math.log(6 / delta)))
    base = 2 * ((1 - 1 / math.e) * alpha + beta) ** 2
    assert plan.first == math.ceil(base)
    assert plan.most == math.ceil(base * n / (k * eps**2))
    assert plan.sizes()[-1] == plan.most and len(plan.sizes()) == plan.rounds
    assert plan.a == pytest.approx(math.log(3 * plan.rounds / delta))
    result = cascade.imm(_random(n, 1_000, 11), k, epsilon=eps, ell=ell, seed=3, runs=10)
    assert result.rr_sets in plan.sizes()
    assert result.sampled["choose"] == result.rr_sets <= result.sampled["check"]


@pytest.mark.parametrize(("graph", "eps"), [(1, 0.5), (2, 0.3), (3, 0.1), (4, 0.05)])
def test_imm_certifies_its_ratio(graph: int, eps: float) -> None:
    # the reported ratio is what stopped it (here before or at theta_max); bounds hold
    g = _random(250, 800, graph)
    result = cascade.imm(g, 4, epsilon=eps, seed=graph, runs=2_000)
    assert result.rr_sets <= cascade._Plan.of(250, 4, eps, 1.0).most
    assert result.approximation >= 1 - 1 / math.e - eps
    assert result.approximation == pytest.approx(result.lower_bound / result.upper_bound)
    assert result.lower_bound <= result.ci_high  # a lower bound on the seeds' spread
    reference = cascade.celf(g, 4, runs=500, seed=1)
    assert result.upper_bound >= reference.ci_low  # an upper bound on any 4 seeds' spread


def test_imm_stops_at_theta_max_when_it_cannot_certify(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a bound that never certifies runs the schedule out: theta_max carries the guarantee
    monkeypatch.setattr(cascade._Plan, "ratio", lambda *_: 0.0)
    result = cascade.imm(_random(60, 150, 2), 2, epsilon=0.5, seed=1, runs=10)
    assert result.rr_sets == cascade._Plan.of(60, 2, 0.5, 1.0).most
    assert result.approximation == 0.0


@pytest.mark.parametrize("method", ["celf", "imm"])
def test_deterministic_for_a_seed(method: str) -> None:
    g = _random(200, 600, 5)
    run = cascade.celf if method == "celf" else cascade.imm
    assert run(g, 4, seed=9, runs=100) == run(g, 4, seed=9, runs=100)


def test_k_equal_to_n_takes_everyone() -> None:
    g = _graph(3, [(0, 1, 0.5)])
    assert sorted(cascade.imm(g, 3, runs=10).seeds) == [0, 1, 2]
    assert sorted(cascade.celf(g, 3, runs=10).seeds) == [0, 1, 2]


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("k", [0, -1, 5])
@pytest.mark.parametrize("method", ["celf", "imm"])
def test_k_out_of_range(method: str, k: int) -> None:
    run = cascade.celf if method == "celf" else cascade.imm
    with pytest.raises(BadInput, match="k must be between 1 and"):
        run(_graph(4, [(0, 1, 0.5)]), k)


@pytest.mark.parametrize("epsilon", [0.0, 1.0, -0.2])
def test_imm_epsilon_out_of_range(epsilon: float) -> None:
    with pytest.raises(BadInput, match="epsilon"):
        cascade.imm(_graph(4, [(0, 1, 0.5)]), 1, epsilon=epsilon)


def test_celf_refuses_a_graph_too_big_and_names_imm() -> None:
    with pytest.raises(BadInput, match=r"limited to 10 members.*use method 'imm'"):
        cascade.celf(_random(20, 30, 1), 2, max_nodes=10)


def test_celf_refuses_more_samples_than_memory_allows() -> None:
    with pytest.raises(BadInput, match="lower runs or use method 'imm'"):
        cascade.celf(_random(20, 100, 1), 2, runs=3_000_000)


@pytest.mark.parametrize("graph", [
    sp.csr_array(np.ones((2, 3)) * 0.5), sp.csr_array(np.array([[0.0, 1.5], [0.0, 0.0]])),
])
def test_bad_graphs(graph: sp.csr_array) -> None:
    with pytest.raises(BadInput):
        cascade.simulate(graph, [0], 10, np.random.default_rng(0))


@pytest.mark.parametrize("method", ["celf", "imm"])
def test_negative_random_seed(method: str) -> None:
    run = cascade.celf if method == "celf" else cascade.imm
    with pytest.raises(BadInput, match="random seed"):
        run(_graph(3, [(0, 1, 0.5)]), 1, seed=-1)


def test_bad_seeds_and_runs() -> None:
    g = _graph(3, [(0, 1, 0.5)])
    with pytest.raises(BadInput):
        cascade.simulate(g, [3], 10, np.random.default_rng(0))
    with pytest.raises(BadInput):
        cascade.simulate(g, [0], 0, np.random.default_rng(0))


# --- the compiled RR sets ---------------------------------------------------------------

EDGES = [(0, 1, 0.4), (0, 2, 0.7), (1, 3, 0.5), (2, 3, 0.3), (3, 4, 0.9), (4, 0, 0.2),
         (2, 5, 0.6), (5, 4, 0.5)]


def _rr(graph: sp.csr_array, seed: int, first: int, count: int) -> list[list[int]]:
    rev = cascade._reverse(cascade._forward(graph))
    sizes, nodes, _ = kernels.rr_sets(rev.indptr, rev.indices, rev.probs, seed, first, count,
                                      np.zeros(rev.n, bool))
    cuts = np.r_[0, np.cumsum(sizes)]
    return [nodes[a:b].tolist() for a, b in itertools.pairwise(cuts)]


def test_rr_sets_estimate_every_single_spread_exactly() -> None:
    # E[n * share of RR sets holding v] = sigma({v}) (Borgs et al.): against enumeration
    sets = _rr(_graph(6, EDGES), seed=4, first=0, count=60_000)
    for v in range(6):
        hits = np.array([v in s for s in sets], float)
        estimate, sem = 6 * hits.mean(), 6 * hits.std(ddof=1) / math.sqrt(len(hits))
        assert abs(estimate - _exact_spread(6, EDGES, {v})) < 4 * sem, v


def test_rr_sets_follow_in_edges_and_depend_on_seed_and_index_only() -> None:
    path = _graph(4, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)])  # 0 -> 1 -> 2 -> 3, certain
    for s in _rr(path, seed=1, first=0, count=50):
        assert sorted(s) == list(range(s[0] + 1))  # the root and everyone above it
    whole = _rr(_graph(6, EDGES), seed=7, first=0, count=300)
    assert _rr(_graph(6, EDGES), seed=7, first=100, count=200) == whole[100:]
    assert _rr(_graph(6, EDGES), seed=8, first=0, count=300) != whole


def test_threads_do_not_change_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    g = _random(300, 1_000, 4)
    many = cascade.imm(g, 3, epsilon=0.3, seed=2, runs=300)
    monkeypatch.setattr(cascade, "WORKERS", 1)
    assert cascade.imm(g, 3, epsilon=0.3, seed=2, runs=300) == many


@pytest.mark.parametrize("graph", [21, 22, 23])
def test_imm_at_epsilon_0_1_is_within_2_percent_of_celf(graph: int) -> None:
    # the bar: where CELF can run, IMM's seeds spread within 2% of CELF's
    g = _random(400, 1_200, graph, scale=0.4)
    reference = cascade.celf(g, 5, runs=300, seed=1)
    result = cascade.imm(g, 5, epsilon=0.1, seed=1, runs=4_000)
    celf_spread, imm_spread = (  # the same coins for both: only the seeds differ
        float(cascade.simulate(g, s, 4_000, np.random.default_rng(9)).mean())
        for s in (reference.seeds, result.seeds))
    assert imm_spread >= 0.98 * celf_spread


def test_imm_refuses_more_rr_entries_than_memory_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cascade, "RR_MAX_CELLS", 1_000)
    with pytest.raises(BadInput, match="raise epsilon"):
        cascade.imm(_random(300, 1_000, 11), 5, epsilon=0.1)


def test_rr_sets_stop_at_a_stop_node_and_say_so() -> None:
    # a stopped set is its full set up to the first stop node (the same coins), and it
    # hits exactly when the full set holds a stop node
    g = _random(300, 1_000, 4)
    rev = cascade._reverse(cascade._forward(g))
    stop = np.zeros(300, bool)
    stop[[3, 50, 120]] = True
    full = _rr(g, seed=5, first=0, count=400)
    sizes, nodes, hits = kernels.rr_sets(rev.indptr, rev.indices, rev.probs, 5, 0, 400, stop)
    cuts = np.r_[0, np.cumsum(sizes)]
    for whole, (a, b), hit in zip(full, itertools.pairwise(cuts), hits, strict=True):
        assert hit == any(stop[whole])
        upto = next((i + 1 for i, v in enumerate(whole) if stop[v]), len(whole))
        assert nodes[a:b].tolist() == whole[:upto]
    assert 0 < hits.sum() < 400


@pytest.mark.parametrize("seed", range(6))
def test_greedy_cover_bound_brackets_the_best_cover(seed: int) -> None:
    # covered <= OPT <= bound <= covered / (1 - (1 - 1/k)^k), OPT by brute force
    rng = np.random.default_rng(seed)
    n, k, count = 9, 3, 40
    sets = [rng.choice(n, size=rng.integers(1, 5), replace=False) for _ in range(count)]
    ptr = np.r_[0, np.cumsum([len(s) for s in sets])].astype(np.int64)
    nodes = np.concatenate(sets).astype(np.int32)
    _, gains, covered, bound = kernels.greedy_cover(ptr, nodes, n, k)
    best = max(sum(bool(set(s) & set(c)) for s in sets)
               for c in itertools.combinations(range(n), k))
    assert covered == gains.sum() <= best <= bound <= covered / (1 - (1 - 1 / k) ** k)
