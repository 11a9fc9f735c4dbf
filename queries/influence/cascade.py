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
* ``imm`` — reverse-reachable (RR) set sampling with the IMM bound (Tang, Shi and
  Xiao, "Influence Maximization in Near-Linear Time: A Martingale Approach", SIGMOD
  2015). A random RR set holds the nodes that reach a uniformly random root on one
  live-edge sample; ``n * F_R(S)`` (the fraction of RR sets ``S`` touches) estimates
  the spread of ``S``, and greedy max coverage over enough RR sets is a
  ``(1 - 1/e - ε)``-approximation with probability at least ``1 - 1/n^ℓ``. The sets
  are drawn by a compiled search (``kernels.rr_sets``, over the cores), set ``i`` of a
  phase a function of ``(seed, i)`` only.

IMM, as in the paper (log is natural; ``ℓ`` is first raised to
``ℓ·(1 + log 2 / log n)`` so that both phases together fail with probability at most
``1/n^ℓ``):

    ε'  = √2 · ε
    λ'  = (2 + 2ε'/3) · (log C(n,k) + ℓ·log n + log log₂ n) · n / ε'²
    for i = 1 .. log₂ n − 1:  x = n / 2^i,  θ_i = λ' / x;  sample up to θ_i RR sets;
        S_i = NodeSelection(R, k);  if n·F_R(S_i) ≥ (1 + ε')·x:
            LB = n·F_R(S_i) / (1 + ε');  stop          (LB = 1 if no i stops)
    α   = √(ℓ·log n + log 2)
    β   = √((1 − 1/e) · (log C(n,k) + ℓ·log n + log 2))
    λ*  = 2n · ((1 − 1/e)·α + β)² · ε⁻²
    θ   = λ* / LB;  S = NodeSelection(θ RR sets, k)

One deliberate difference: the final θ RR sets are drawn fresh rather than extending
the sampling phase's sets, the correction W. Chen published for a gap in the paper's
martingale argument ("An Issue in the Martingale Analysis of the Influence
Maximization Algorithm IMM", CSoNet 2018); it costs at most one extra round of
sampling. Both methods report the spread of their seeds re-estimated by an
independent Monte-Carlo run with a 95% confidence interval, so they compare fairly.
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
    ell: float | None = None  # IMM, as given (before the 1 + log 2 / log n raise)
    rr_sets: int | None = None  # IMM: RR sets in the final node selection
    lower_bound: float | None = None  # IMM: LB on the optimal spread from the sampling phase
    sampled: dict[str, int] = field(default_factory=dict)  # RR sets drawn per phase


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


# --- IMM ------------------------------------------------------------------------------


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
        new = target - self.count
        workers = max(1, min(WORKERS, new // 64))
        cuts = [self.count + new * w // workers for w in range(workers + 1)]
        jobs = [(rev.indptr, rev.indices, rev.probs, self.seed, lo, hi - lo)
                for lo, hi in itertools.pairwise(cuts)]
        if workers == 1:
            done = [_kernels().rr_sets(*jobs[0])]
        else:  # the kernel releases the GIL: one thread per core
            with ThreadPoolExecutor(workers) as pool:
                done = list(pool.map(lambda job: _kernels().rr_sets(*job), jobs))
        for sizes, nodes in done:
            self.sizes.append(sizes)
            self.parts.append(nodes)
        self.count = target

    def csr(self) -> tuple[Array, Array]:
        sizes = np.concatenate(self.sizes) if self.sizes else np.zeros(0, np.int64)
        ptr = np.zeros(len(sizes) + 1, np.int64)
        np.cumsum(sizes, out=ptr[1:])
        nodes = np.concatenate(self.parts) if self.parts else np.zeros(0, np.int32)
        return ptr, nodes


def _select(ptr: Array, nodes: Array, n: int, k: int) -> tuple[list[int], list[int], int]:
    """Greedy max coverage: k nodes, the RR sets each newly covers, and the total covered
    (``kernels.greedy_cover``: ties go to the lower node)."""
    seeds, gains, covered = _kernels().greedy_cover(ptr, nodes, n, k)
    return seeds.tolist(), gains.tolist(), int(covered)


def imm(graph: sp.spmatrix | sp.sparray, k: int, epsilon: float = 0.5, ell: float = 1.0,
        seed: int = 0, *, runs: int = 1_000) -> SeedSet:
    """k seeds by IMM (Tang, Shi and Xiao 2015); formulas in the module docstring.

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
    rev = _reverse(csr)
    _rng(seed, 0)  # checks the seed
    log_n = math.log(n) if n > 1 else 0.0
    ell_raised = ell * (1 + math.log(2) / log_n) if n > 1 else ell
    log_cnk = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)

    # Sampling phase: search for a lower bound LB on OPT.
    eps_p = math.sqrt(2) * epsilon
    log_log2_n = math.log(math.log2(n)) if n > 2 else 0.0
    lam_p = (2 + 2 * eps_p / 3) * (log_cnk + ell_raised * log_n + log_log2_n) * n / eps_p**2
    lower_bound = 1.0
    search = _RRSets(_stream(seed, 0))
    for i in range(1, int(math.log2(n)) if n > 1 else 1):
        x = n / 2**i
        search.extend(rev, math.ceil(lam_p / x))
        ptr, nodes = search.csr()
        _, _, covered = _select(ptr, nodes, n, k)
        estimate = n * covered / search.count
        if estimate >= (1 + eps_p) * x:
            lower_bound = estimate / (1 + eps_p)
            break

    alpha = math.sqrt(ell_raised * log_n + math.log(2))
    beta = math.sqrt((1 - 1 / math.e) * (log_cnk + ell_raised * log_n + math.log(2)))
    lam_star = 2 * n * ((1 - 1 / math.e) * alpha + beta) ** 2 / epsilon**2
    theta = max(1, math.ceil(lam_star / lower_bound))
    searched = search.count
    del search  # the final sets are fresh (Chen 2018); free the search's memory first
    final = _RRSets(_stream(seed, 1))
    final.extend(rev, theta)
    ptr, nodes = final.csr()
    chosen, covers, covered = _select(ptr, nodes, n, k)
    mean, low, high = spread_ci(_simulate(csr, np.array(sorted(chosen)), runs,
                                          _stream(seed, 2)))
    return SeedSet(
        "imm", chosen, [n * c / theta for c in covers], n * covered / theta, mean, low, high,
        runs, epsilon=epsilon, ell=ell, rr_sets=theta, lower_bound=lower_bound,
        sampled={"search": searched, "final": theta},
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
