"""Influence maximisation under the independent cascade (IC) model, in numpy and numba.

The graph is a square sparse matrix ``P`` (anything ``scipy.sparse`` accepts):
``P[u, v]`` is the probability that ``u``, once active, activates ``v`` (each edge is
tried once). Node numbers are the matrix's row numbers; nothing here knows the store
(``refnet.queries.influence`` builds ``P`` from the trust projection).

Three tools, all deterministic for a seed:

* ``simulate`` — Monte-Carlo spreads of a seed set: one compiled breadth-first search
  per run (``kernels.cascade_sizes``), the runs split over the cores.
* ``celf`` — greedy hill climbing (Kempe, Kleinberg and Tardos, KDD 2003) with the
  CELF lazy-evaluation trick (Leskovec et al., KDD 2007). Spreads are estimated on
  ``runs`` live-edge samples drawn once (each edge live with its probability), so the
  estimate is an average of coverage functions: exactly monotone and submodular, and
  lazy evaluation returns exactly what plain greedy returns (``lazy=False``). The
  reference on small graphs; it needs about ``n * runs`` cascades, so it refuses
  graphs above ``CELF_MAX_NODES``.
* ``imm`` — reverse-reachable (RR) set sampling with a certified ``(1 - 1/e - ε)``
  guarantee. A random RR set holds the nodes that reach a uniformly random root on one
  live-edge sample; ``n * F_R(S)`` (the fraction of RR sets ``S`` touches) estimates
  the spread of ``S`` (Borgs et al. 2014), and greedy max coverage picks the seeds.
  How many sets is decided by OPIM-C's stopping rule (Tang, Tang, Xiao and Yuan,
  "Online Processing Algorithms for Influence Maximization", SIGMOD 2018), the
  successor of IMM (Tang, Shi and Xiao, SIGMOD 2015) by the same group: the same
  guarantee with probability ``1 - δ`` (here ``δ = 1/n^ℓ``), from a data-dependent
  bound instead of IMM's worst-case sample size, whose ``log C(n, k)`` term made
  ε = 0.1 at a million members need 13 GB of sets (bench/README.md). The method keeps
  its name, ``imm``, in the API. The sets are drawn by a compiled search
  (``kernels.rr_sets``, over the cores), set ``i`` of a stream a function of
  ``(seed, i)`` only.

OPIM-C, as in the paper and its authors' code (log is natural):

    θ_0   = 2 · ((1 − 1/e)·α + β)²,  α = √(log(6/δ)),  β = √((1 − 1/e)·(log C(n,k) + log(6/δ)))
    θ_max = θ_0 · n / (k·ε²)              (enough for the guarantee with no check at all)
    rounds i = 0 .. i_max − 1 with θ_i = min(θ_0 · √2^i, θ_max);  a = log(3·i_max/δ)
    round i: R1 = the first θ_i choosing sets; S = greedy max coverage of k nodes on R1
             R2 = θ_i fresh checking sets;  Λ2 = how many hold a node of S
             σ_low(S)  = ((√(Λ2 + 2a/9) − √(a/2))² − a/18) · n/θ_i
             σ_up(OPT) = (√(Λ1_up + a/2) + √(a/2))² · n/θ_i,  at most n
             Λ1_up = min over the greedy's prefixes S_j (j = 0..k) of
                     cover(S_j) + the k largest marginal coverages given S_j
             stop when σ_low(S) / σ_up(OPT) ≥ 1 − 1/e − ε, or at θ_max

Each bound fails with probability at most δ/(3·i_max) per round, so all of them hold
together with probability 1 − δ, and the ratio at the stop is then a lower bound on
σ(S)/OPT; the answer reports it (``approximation``) with both bounds. Departures from
the paper, none of which weakens the guarantee: rounds grow by √2 instead of 2 (a
smaller overshoot past the round that certifies, for one more log term in ``a``);
rounds below the work floor are skipped (``_Plan.ahead``: ``a`` already pays for every
size of the schedule); R2 is drawn fresh each round, each set searched
only until it meets a seed (``kernels.rr_sets``' ``stop``), instead of a stored
collection doubled alongside R1; and the rounds go on until R1 holds ``MIN_RR_CELLS``
(set, node) entries, because the first round that certifies the worst-case ratio can
leave the greedy choosing on noise (a floor of work, not of sets, ~1,100 sets at a
million members on the synthetic network and ~10,000 at 100k). Both methods report the
spread of their seeds re-estimated by an independent Monte-Carlo run with a 95%
confidence interval, so they compare fairly.
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import reverse_cuthill_mckee

from refnet.graph.errors import BadInput

if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["CELF_MAX_NODES", "SeedSet", "celf", "imm", "simulate", "spread_ci"]

CELF_MAX_NODES = 2_000  # n * runs cascades in the first round: beyond this use imm
CELF_MAX_CELLS = 200_000_000  # runs x edges live-edge flags CELF may hold (bytes)
# (RR set, node) entries IMM may hold: 4 bytes each, twice (the sets and node -> sets).
# When trust is strong, RR sets hold a good part of the network (~7% of 100k members on
# the synthetic network), and theta * E|RR| grows as n / epsilon^2 (bench/README.md).
RR_MAX_CELLS = 500_000_000
# IMM draws on after certifying until the choosing sets hold this many (set, node)
# entries (256 MiB; ~10 s of searching on one core): the first round that certifies the
# worst-case ratio leaves the greedy choosing on noise. Measured (bench/README.md), eps
# 0.5: at 1M members it certified on 282 sets whose seeds spread 522k against IMM's
# 589k (3,138 sets); at 100k on 232 sets, 15% below IMM; at 400 nodes 4-14% below CELF
# (tests/unit/test_cascade.py). It is a floor of work, not of sets: small graphs stop
# at theta_max first.
MIN_RR_CELLS = 1 << 26
GROWTH = math.sqrt(2)  # RR sets per round: more rounds cost little (log i_max in a bound)
PILOT = 256  # RR sets drawn before the memory a phase needs is judged
Z95 = 1.959963984540054  # the normal quantile for a two-sided 95% interval
WORKERS = min(os.cpu_count() or 1, 8)  # threads for RR sets and Monte-Carlo (nogil kernels)
VISITED_BUDGET = 1 << 23  # (cascade x node) cells one batch tracks: 8 MB seen + 32 MB claims

Array = np.ndarray


@dataclass(frozen=True)
class SeedSet:
    """k seeds in the order chosen, what each added, and the spread they reach.

    ``gains`` are the marginal expected spreads (nodes) by the method's own estimate;
    ``estimate`` is that estimate of the whole set (CELF: the sum of gains on its
    live-edge samples; IMM: ``n * F_R(S)``). ``spread`` and its 95% interval come from
    ``runs`` fresh Monte-Carlo cascades of the chosen seeds.
    """

    method: str
    seeds: list[int]
    gains: list[float]
    estimate: float
    spread: float
    ci_low: float
    ci_high: float
    runs: int
    epsilon: float | None = None  # IMM
    ell: float | None = None  # IMM: the guarantee holds with probability 1 - 1/n^ell
    rr_sets: int | None = None  # IMM: RR sets the seeds were chosen on
    lower_bound: float | None = None  # IMM: on the seeds' spread (so on the best spread)
    upper_bound: float | None = None  # IMM: on the best spread of any k seeds
    approximation: float | None = None  # IMM: lower_bound / upper_bound, the certified ratio
    sampled: dict[str, int] = field(default_factory=dict)  # RR sets drawn per collection


# --- the graph ------------------------------------------------------------------------


@dataclass(frozen=True)
class _CSR:
    indptr: Array
    indices: Array
    probs: Array

    @property
    def n(self) -> int:
        return len(self.indptr) - 1


def _forward(graph: sp.spmatrix | sp.sparray) -> _CSR:
    """Out-edges per node, checked: square, probabilities in [0, 1]."""
    m = sp.csr_array(graph, dtype=float)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise BadInput(f"a cascade graph is a square matrix, got shape {m.shape}")
    m.sum_duplicates()
    if m.nnz and (m.data.min() < 0 or m.data.max() > 1 or not np.isfinite(m.data).all()):
        raise BadInput("edge probabilities must lie in 0..1")
    return _CSR(m.indptr.astype(np.int64), m.indices.astype(np.int64),
                m.data.astype(np.float32))  # coins are float32: 2^-24 resolution is plenty


def _reverse(csr: _CSR) -> _CSR:
    """In-edges per node (the transpose), for reverse-reachable sets."""
    m = sp.csr_array((csr.probs, csr.indices, csr.indptr), shape=(csr.n, csr.n)).T.tocsr()
    m.sort_indices()
    return _CSR(m.indptr.astype(np.int64), m.indices.astype(np.int32), m.data)


def _renumbered(csr: _CSR) -> tuple[_CSR, Array]:
    """The graph with its nodes renumbered by reverse Cuthill-McKee on the undirected
    edges, and ``old`` (node ``i`` here is node ``old[i]`` of ``csr``).

    A search's neighbours then sit near each other in memory: at a million members the
    searches are bound by cache misses, and this gave 1.66x the RR-set nodes per second
    (bench/README.md), for ~1 s of renumbering.
    """
    m = sp.csr_array((csr.probs, csr.indices, csr.indptr), shape=(csr.n, csr.n))
    old = reverse_cuthill_mckee(sp.csr_matrix(m + m.T), symmetric_mode=True)
    return _forward(m[old][:, old]), old.astype(np.int64)


def _edges_of(indptr: Array, nodes: Array) -> tuple[Array, Array]:
    """The out-edges of every node in ``nodes``: how many each has, and their positions.

    ``np.repeat(x, counts)`` gives, per edge, the value ``x`` had for its node.
    """
    starts = indptr[nodes]
    counts = indptr[nodes + 1] - starts
    first = np.cumsum(counts) - counts
    return counts, np.arange(int(counts.sum())) + np.repeat(starts - first, counts)


def _fresh(new: Array, seen: Array, claim: Array) -> Array:
    """The keys in ``new`` not yet ``seen``, each once; marks them seen.

    Deduplicates by letting every copy of a key write its position into ``claim`` and
    keeping the copy that won (exactly one does): a scatter and a gather instead of a
    sort, which made ``np.unique`` most of a cascade's cost.
    """
    new = new[~seen[new]]
    idx = np.arange(len(new), dtype=np.int32)
    claim[new] = idx
    new = new[claim[new] == idx]
    seen[new] = True
    return new


def _seed_array(seeds: object, n: int) -> Array:
    arr = np.unique(np.asarray(list(seeds), dtype=np.int64))
    if len(arr) and (arr[0] < 0 or arr[-1] >= n):
        raise BadInput(f"seed nodes must be in 0..{n - 1}")
    return arr


# --- Monte-Carlo ----------------------------------------------------------------------


def simulate(graph: sp.spmatrix | sp.sparray, seeds: object, runs: int,
             rng: np.random.Generator) -> Array:
    """The number of active nodes at the end of each of ``runs`` IC cascades from ``seeds``.

    All runs advance together: a frontier of (run, node) pairs tries its out-edges
    with one coin each, so each edge is tried at most once per run, as the model says.
    """
    if runs < 1:
        raise BadInput(f"runs must be at least 1, got {runs}")
    csr = _forward(graph)
    return _simulate(csr, _seed_array(seeds, csr.n), runs, int(rng.integers(0, 2**62)))


def _simulate(csr: _CSR, seeds: Array, runs: int, stream: int) -> Array:
    """``kernels.cascade_sizes`` over ``runs`` cascades, split over the cores."""
    n = csr.n
    if len(seeds) == 0 or n == 0:
        return np.zeros(runs, np.int64)
    workers = max(1, min(WORKERS, runs // 16))
    cuts = [runs * w // workers for w in range(workers + 1)]
    jobs = [(csr.indptr, csr.indices, csr.probs, seeds.astype(np.int64), stream, lo, hi - lo)
            for lo, hi in itertools.pairwise(cuts)]
    if workers == 1:
        return _kernels().cascade_sizes(*jobs[0])
    with ThreadPoolExecutor(workers) as pool:
        return np.concatenate(list(pool.map(lambda job: _kernels().cascade_sizes(*job), jobs)))


def spread_ci(spreads: Array) -> tuple[float, float, float]:
    """Mean and its 95% normal confidence interval."""
    mean = float(np.mean(spreads))
    if len(spreads) < 2:
        return mean, mean, mean
    half = Z95 * float(np.std(spreads, ddof=1)) / math.sqrt(len(spreads))
    return mean, mean - half, mean + half


# --- CELF -----------------------------------------------------------------------------


def celf(graph: sp.spmatrix | sp.sparray, k: int, runs: int = 1_000, seed: int = 0, *,
         lazy: bool = True, max_nodes: int = CELF_MAX_NODES) -> SeedSet:
    """Greedy seeds by Monte-Carlo spread on ``runs`` fixed live-edge samples (CELF).

    ``lazy=False`` re-evaluates every candidate each round (plain greedy); both give
    the same seeds, as the samples make the estimate exactly submodular. Ties go to
    the lower node number.
    """
    csr = _forward(graph)
    n = csr.n
    _check_k(k, n)
    if runs < 1:
        raise BadInput(f"runs must be at least 1, got {runs}")
    if n > max_nodes:
        raise BadInput(f"CELF with Monte-Carlo simulation is limited to {max_nodes:,} "
                       f"members (this graph has {n:,}); use method 'imm'")
    if runs * max(len(csr.probs), n) > CELF_MAX_CELLS:
        raise BadInput(f"CELF would hold {runs:,} samples of {len(csr.probs):,} edges; "
                       f"lower runs or use method 'imm'")
    rng = _rng(seed, 0)
    live = np.empty((runs, len(csr.probs)), bool)  # each edge live with its probability
    step = max(1, VISITED_BUDGET // max(len(csr.probs), 1))
    for lo in range(0, runs, step):
        rows = min(step, runs - lo)
        live[lo:lo + rows] = (rng.random((rows, len(csr.probs)), dtype=np.float32)
                              < csr.probs[None, :])
    active = np.zeros(runs * n, bool)  # what the chosen seeds reach, per sample
    claim = np.empty(runs * n, np.int32)

    def gain(v: int, commit: bool = False) -> int:
        """Nodes ``v`` adds over the chosen seeds, summed over the samples.

        The active set is closed under live edges, so the search stops at it.
        """
        seen = active if commit else active.copy()
        keys = _fresh(np.arange(runs, dtype=np.int64) * n + v, seen, claim)
        total = len(keys)
        while len(keys):
            run, node = np.divmod(keys, n)
            counts, pos = _edges_of(csr.indptr, node)
            run = np.repeat(run, counts)
            ok = live[run, pos]
            keys = _fresh(run[ok] * n + csr.indices[pos[ok]], seen, claim)
            total += len(keys)
        return total

    chosen: list[int] = []
    gains: list[int] = []
    if lazy:
        heap = [(-gain(v), v, 0) for v in range(n)]
        heapq.heapify(heap)
        while len(chosen) < k:
            _, v, round_ = heapq.heappop(heap)
            if round_ == len(chosen):
                chosen.append(v)
                gains.append(gain(v, commit=True))
            else:
                heapq.heappush(heap, (-gain(v), v, len(chosen)))
    else:
        for _ in range(k):
            best, best_gain = -1, -1
            for v in range(n):
                if v in chosen:
                    continue
                g = gain(v)
                if g > best_gain:
                    best, best_gain = v, g
            chosen.append(best)
            gains.append(gain(best, commit=True))
    means = [g / runs for g in gains]
    mean, low, high = spread_ci(_simulate(csr, np.array(sorted(chosen)), runs,
                                          _stream(seed, 1)))
    return SeedSet("celf", chosen, means, float(sum(means)), mean, low, high, runs)


# --- IMM (OPIM-C) ----------------------------------------------------------------------


def _draw(rev: _CSR, seed: int, first: int, count: int,
          stop: Array) -> list[tuple[Array, Array, Array]]:
    """``kernels.rr_sets`` for sets ``first .. first + count - 1`` of stream ``seed``,
    split over the cores (the kernel releases the GIL); parts in set order."""
    workers = max(1, min(WORKERS, count // 64))
    cuts = [first + count * w // workers for w in range(workers + 1)]
    jobs = [(rev.indptr, rev.indices, rev.probs, seed, lo, hi - lo, stop)
            for lo, hi in itertools.pairwise(cuts)]
    if workers == 1:
        return [_kernels().rr_sets(*jobs[0])]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda job: _kernels().rr_sets(*job), jobs))


@dataclass
class _RRSets:
    """RR sets of one stream (``seed``) as CSR: set i holds ``nodes[ptr[i]:ptr[i+1]]``.

    Set ``i`` depends only on ``(seed, i)`` (``kernels.rr_sets``), so extending a
    stream draws the same sets as drawing them at once, on any number of threads.
    """

    seed: int
    sizes: list[Array] = field(default_factory=list)
    parts: list[Array] = field(default_factory=list)
    count: int = 0

    def extend(self, rev: _CSR, target: int) -> None:
        """Draw sets up to ``target``; BadInput when, by the sets drawn so far (at least
        ``PILOT``), ``target`` of them would hold more than ``RR_MAX_CELLS`` entries."""
        if target - self.count > PILOT and self.count < PILOT:
            self.extend(rev, PILOT)
        if self.count:
            mean = sum(int(sizes.sum()) for sizes in self.sizes) / self.count
            if target * mean > RR_MAX_CELLS:
                raise BadInput(
                    f"IMM would hold about {target:,} RR sets of {mean:,.0f} members on "
                    f"average here ({target * mean * 8 / 1e9:,.1f} GB; the limit is "
                    f"{RR_MAX_CELLS * 8 / 1e9:,.0f} GB): raise epsilon")
        if target <= self.count:
            return
        for sizes, nodes, _ in _draw(rev, self.seed, self.count, target - self.count,
                                     np.zeros(rev.n, bool)):
            self.sizes.append(sizes)
            self.parts.append(nodes)
        self.count = target

    def csr(self) -> tuple[Array, Array]:
        """The sets as ``(ptr, nodes)``; the parts drawn so far are joined once, here."""
        if len(self.parts) != 1:
            self.sizes = [np.concatenate(self.sizes) if self.sizes else np.zeros(0, np.int64)]
            self.parts = [np.concatenate(self.parts) if self.parts else np.zeros(0, np.int32)]
        ptr = np.zeros(self.count + 1, np.int64)
        np.cumsum(self.sizes[0], out=ptr[1:])
        return ptr, self.parts[0]


def _covered(rev: _CSR, seeds: list[int], seed: int, first: int, count: int) -> int:
    """How many of sets ``first .. first + count - 1`` of stream ``seed`` hold one of
    ``seeds``: each is searched only until it meets one, and none is kept."""
    stop = np.zeros(rev.n, bool)
    stop[seeds] = True
    return sum(int(hits.sum()) for _, _, hits in _draw(rev, seed, first, count, stop))


def _select(ptr: Array, nodes: Array, n: int, k: int) -> tuple[list[int], list[int], int, int]:
    """Greedy max coverage: k nodes, the RR sets each newly covers, the total covered and
    OPIM-C's upper bound on any k nodes' coverage (``kernels.greedy_cover``)."""
    seeds, gains, covered, bound = _kernels().greedy_cover(ptr, nodes, n, k)
    return seeds.tolist(), gains.tolist(), int(covered), int(bound)


@dataclass(frozen=True)
class _Plan:
    """OPIM-C's sample sizes and confidence term for n nodes, k seeds, ε and δ = 1/n^ℓ."""

    first: int  # θ_0 RR sets per collection in the first round
    most: int  # θ_max: enough for the guarantee without any check
    rounds: int  # i_max: θ grows by GROWTH from θ_0 and is capped at θ_max in the last
    a: float  # log(3 i_max / δ): each bound fails with probability ≤ δ / (3 i_max)

    @classmethod
    def of(cls, n: int, k: int, epsilon: float, ell: float) -> _Plan:
        log_inv_delta = ell * math.log(n)
        log_cnk = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
        alpha = math.sqrt(math.log(6) + log_inv_delta)
        beta = math.sqrt((1 - 1 / math.e) * (log_cnk + math.log(6) + log_inv_delta))
        base = 2 * ((1 - 1 / math.e) * alpha + beta) ** 2
        first = max(1, math.ceil(base))
        most = max(first, math.ceil(base * n / (k * epsilon**2)))
        rounds = math.ceil(math.log(most / first, GROWTH)) + 1
        return cls(first, most, rounds, math.log(3 * rounds) + log_inv_delta)

    def sizes(self) -> list[int]:
        return [min(math.ceil(self.first * GROWTH**i), self.most) for i in range(self.rounds)]

    def ratio(self, hits: float, bound: float, theta: int) -> float:
        """The certified ratio for ``hits`` checking sets holding the seeds and ``bound``
        choosing sets at most held by any k seeds, ``theta`` sets each."""
        return self.lower(hits) / min(self.upper(bound), theta)  # and OPT ≤ n

    def ahead(self, done: int, entries: int) -> int:
        """The round after round ``done``: the next, or the first that would hold
        ``MIN_RR_CELLS`` entries at the set size seen so far.

        Skipping rounds keeps the guarantee: ``a`` already pays (a union bound) for
        both bounds at every size of the schedule, whichever sizes are visited. Rounds
        are not skipped on the ratio seen: on a few hundred sets the greedy overfits
        (at 1M, 47% of fresh sets hold seeds that hold 61% of the sets they were chosen
        on), so the ratio predicted from them overshoots the round that certifies.
        """
        sizes = self.sizes()
        return next((i for i in range(done + 1, self.rounds)
                     if entries * sizes[i] / sizes[done] >= MIN_RR_CELLS), self.rounds - 1)

    def lower(self, covered: float) -> float:
        """A lower bound on E[coverage] of a set fixed before the sets were drawn."""
        root = max(math.sqrt(covered + 2 * self.a / 9) - math.sqrt(self.a / 2), 0.0)
        return max(root**2 - self.a / 18, 0.0)

    def upper(self, covered: float) -> float:
        """An upper bound on E[coverage] of a fixed set seen covering ``covered``."""
        return (math.sqrt(covered + self.a / 2) + math.sqrt(self.a / 2)) ** 2


def imm(graph: sp.spmatrix | sp.sparray, k: int, epsilon: float = 0.5, ell: float = 1.0,
        seed: int = 0, *, runs: int = 1_000) -> SeedSet:
    """k seeds from RR sets, certified ``(1 - 1/e - ε)``-approximate with probability at
    least ``1 - 1/n^ℓ`` (OPIM-C, Tang et al. 2018; the module docstring has the rule).

    ``runs`` Monte-Carlo cascades re-estimate the chosen seeds' spread with a 95% CI.
    """
    csr = _forward(graph)
    n = csr.n
    _check_k(k, n)
    if not 0 < epsilon < 1:
        raise BadInput(f"epsilon must be between 0 and 1 (exclusive), got {epsilon}")
    if ell <= 0:
        raise BadInput(f"ell must be positive, got {ell}")
    if runs < 1:
        raise BadInput(f"runs must be at least 1, got {runs}")
    _rng(seed, 0)  # checks the seed
    csr, old = _renumbered(csr)
    rev = _reverse(csr)
    plan = _Plan.of(n, k, epsilon, ell)
    target = 1 - 1 / math.e - epsilon
    choose, check_stream, checked = _RRSets(_stream(seed, 0)), _stream(seed, 1), 0
    i = 0
    while True:
        theta = plan.sizes()[i]
        choose.extend(rev, theta)
        ptr, nodes = choose.csr()
        chosen, covers, covered, bound = _select(ptr, nodes, n, k)
        # fresh checking sets each round: independent of the seeds they judge
        hits = _covered(rev, chosen, check_stream, checked, theta)
        checked += theta
        ratio = plan.ratio(hits, bound, theta)
        if (ratio >= target and len(nodes) >= MIN_RR_CELLS) or i == plan.rounds - 1:
            break
        i = plan.ahead(i, len(nodes))
    mean, ci_low, ci_high = spread_ci(_simulate(csr, np.array(sorted(chosen)), runs,
                                                _stream(seed, 2)))
    return SeedSet(
        "imm", old[chosen].tolist(), [n * c / theta for c in covers], n * covered / theta,
        mean, ci_low, ci_high, runs, epsilon=epsilon, ell=ell, rr_sets=theta,
        lower_bound=n * plan.lower(hits) / theta,
        upper_bound=n * min(plan.upper(bound), theta) / theta, approximation=ratio,
        sampled={"choose": theta, "check": checked},
    )


def _kernels() -> ModuleType:
    """The compiled kernels, imported on first use: numba takes ~0.3 s to import, which
    every CLI command would pay (the CLI imports each question) for nothing."""
    from . import kernels

    return kernels


def _stream(seed: int, stream: int) -> int:
    """The kernels' generator seed for one phase of a method (as ``_rng``, for numba)."""
    return int(np.random.default_rng([int(seed), stream]).integers(0, 2**62))


def _rng(seed: int, stream: int) -> np.random.Generator:
    """One independent generator per phase of a method, all from the caller's seed."""
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise BadInput(f"the random seed must be a non-negative integer, got {seed!r}")
    return np.random.default_rng([int(seed), stream])


def _check_k(k: int, n: int) -> None:
    if n == 0:
        raise BadInput("the graph has no members to choose seeds from")
    if not 1 <= k <= n:
        raise BadInput(f"k must be between 1 and the number of members ({n:,}), got {k}")
