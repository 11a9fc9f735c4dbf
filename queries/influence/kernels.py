"""Compiled inner loops of the cascades (numba): RR sets and Monte-Carlo spreads.

Why compiled: a reverse-reachable set is a breadth-first search whose every step
depends on the coins of the one before, so numpy can only batch many searches at once
over a (set x node) visited array; at a million members that array holds ~8 sets per
batch and each batch is dominated by allocating and scanning it (O(n) per batch, not
O(set)). Here each search costs only what it visits (a stamp per node says which
search saw it last). Measured on the 100k synthetic network (bench/influence.py, CPU
time): numpy ~5.4M visited nodes/s, this 8-9M/s on one thread (bench/README.md). The
kernels release the GIL, so ``cascade`` runs one per core in threads.

Coins come from a counter-based generator (SplitMix64 over ``(seed, set index,
draw)``), so set ``i`` is the same whichever thread draws it and however the sets
are split: answers are reproducible for a seed. Each coin has 2^-24 resolution, as
the float32 probabilities it is compared with.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["cascade_sizes", "greedy_cover", "rr_sets"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, inline="always")
def _mix(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def _coin(state: np.uint64) -> float:
    return float(_mix(state) >> np.uint64(40)) * (1.0 / 16777216.0)


@njit(cache=True, nogil=True)
def rr_sets(indptr: np.ndarray, indices: np.ndarray, probs: np.ndarray, seed: int,
            first: int, count: int,
            stop: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """RR sets ``first .. first + count - 1`` of stream ``seed`` over the in-edge CSR:
    each from a uniform random root, over live in-edges. Returns each set's size, the
    sets' nodes, set after set, in the order visited (the root first), and which sets
    reached a ``stop`` node: such a set ends there, since a set that only has to say
    whether it holds a seed is answered (at a million members, ~10x less searching)."""
    n = len(indptr) - 1
    mark = np.full(n, -1, np.int32)
    sizes = np.empty(count, np.int64)
    hits = np.zeros(count, np.bool_)
    out = np.empty(max(1024, 16 * count), np.int32)
    used = 0
    base = _mix(np.uint64(seed) * _GOLDEN + np.uint64(0x5851F42D4C957F2D))
    for s in range(count):
        state = _mix(base + np.uint64(first + s) * _GOLDEN)
        state += _GOLDEN
        root = np.int64(_mix(state) % np.uint64(n))
        if used == len(out):
            grown = np.empty(2 * len(out), np.int32)
            grown[:used] = out[:used]
            out = grown
        start = used
        out[used] = root
        used += 1
        mark[root] = s
        hits[s] = stop[root]
        head = used if hits[s] else start
        while head < used:
            v = out[head]
            head += 1
            for e in range(indptr[v], indptr[v + 1]):
                u = indices[e]
                if mark[u] == s:
                    continue
                state += _GOLDEN
                if _coin(state) < probs[e]:
                    mark[u] = s
                    if used == len(out):
                        grown = np.empty(2 * len(out), np.int32)
                        grown[:used] = out[:used]
                        out = grown
                    out[used] = u
                    used += 1
                    if stop[u]:
                        hits[s] = True
                        head = used
                        break
        sizes[s] = used - start
    return sizes, out[:used].copy(), hits


@njit(cache=True, nogil=True)
def cascade_sizes(indptr: np.ndarray, indices: np.ndarray, probs: np.ndarray,
                  seeds: np.ndarray, seed: int, first: int, count: int) -> np.ndarray:
    """Active nodes at the end of IC cascades ``first .. first + count - 1`` from
    ``seeds`` (each edge tried once per cascade, with one coin)."""
    n = len(indptr) - 1
    mark = np.full(n, -1, np.int32)
    queue = np.empty(n, np.int64)
    sizes = np.empty(count, np.int64)
    base = _mix(np.uint64(seed) * _GOLDEN + np.uint64(0x2545F4914F6CDD1D))
    for s in range(count):
        state = _mix(base + np.uint64(first + s) * _GOLDEN)
        used = 0
        for v in seeds:
            if mark[v] != s:
                mark[v] = s
                queue[used] = v
                used += 1
        head = 0
        while head < used:
            v = queue[head]
            head += 1
            for e in range(indptr[v], indptr[v + 1]):
                u = indices[e]
                if mark[u] == s:
                    continue
                state += _GOLDEN
                if _coin(state) < probs[e]:
                    mark[u] = s
                    queue[used] = u
                    used += 1
        sizes[s] = used
    return sizes


@njit(cache=True, nogil=True)
def greedy_cover(ptr: np.ndarray, nodes: np.ndarray, n: int,
                 k: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Greedy max coverage of the sets ``nodes[ptr[i]:ptr[i+1]]``: k nodes (ties to the
    lower node), the sets each newly covers, how many sets they cover in all, and an
    upper bound on what any k nodes cover.

    The bound is OPIM-C's (Tang et al., SIGMOD 2018): by submodularity, for each greedy
    prefix S_i, no k nodes cover more than cover(S_i) plus the k largest marginal
    coverages given S_i; the least of these over i = 0..k. It is at most cover(S_k) /
    (1 - 1/e) and in practice much lower, which is what lets the sets stop early.
    """
    count = len(ptr) - 1
    degree = np.zeros(n, np.int64)
    for u in nodes:
        degree[u] += 1
    hptr = np.zeros(n + 1, np.int64)  # node -> the sets holding it (a counting sort)
    for u in range(n):
        hptr[u + 1] = hptr[u] + degree[u]
    fill = hptr[:-1].copy()
    holders = np.empty(len(nodes), np.int32)
    for s in range(count):
        for j in range(ptr[s], ptr[s + 1]):
            u = nodes[j]
            holders[fill[u]] = s
            fill[u] += 1
    covered = np.zeros(count, np.bool_)
    seeds = np.empty(k, np.int64)
    gains = np.empty(k, np.int64)
    total = 0
    bound = np.int64(count)
    for i in range(k + 1):
        # chosen seeds hold -1 (they add nothing): the top k counts from 0
        top = np.partition(np.maximum(degree, 0), n - k)[n - k:].sum()
        bound = min(bound, total + top)
        if i == k:
            break
        v = np.argmax(degree)
        seeds[i] = v
        gains[i] = degree[v]
        for h in range(hptr[v], hptr[v + 1]):
            s = holders[h]
            if covered[s]:
                continue
            covered[s] = True
            total += 1
            for j in range(ptr[s], ptr[s + 1]):
                degree[nodes[j]] -= 1
        for j in range(i + 1):
            degree[seeds[j]] = -1  # never chosen twice, even when nothing is left to cover
    return seeds, gains, total, bound
