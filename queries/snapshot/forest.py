"""The referral forest in preorder: each member's parent from its referrals, cycles
cut, and the vectorised depth-first order that makes every downline one slice."""

from __future__ import annotations

import numpy as np

from refnet.graph.errors import RefnetError

from .columns import NONE

__all__ = ["NotAForest", "cut_cycles", "first_referrals", "lexorder", "preorder"]


class NotAForest(RefnetError):
    """The parent array holds a cycle (``cut_cycles`` makes it a forest)."""


def first_referrals(n: int, child: np.ndarray, parent: np.ndarray, at: np.ndarray
                    ) -> tuple[np.ndarray, ...]:
    """Each member's forest parent and referral time: its earliest referral (a missing
    time first, then the referrer's index, which is id order), as compliance has always
    chosen; the later ones become ``x_*`` edges (child, parent and at arrays). Edges
    are given by member index; a referrer of index -1 (not among the members) is
    skipped. Vectorised: one sort by (child, at, referrer), so a million edges take a
    fraction of a second, not a Python loop each.
    """
    keep = parent >= 0
    child, parent, at = child[keep], parent[keep], at[keep]
    o = lexorder(parent, at, child)
    child, parent, at = child[o], parent[o], at[o]
    first = np.ones(len(o), dtype=bool)  # two equal edges: the forest holds one, x_* the other
    first[1:] = child[1:] != child[:-1]
    par = np.full(n, -1, dtype=np.int64)
    ref_at = np.full(n, NONE, dtype=np.int64)
    par[child[first]] = parent[first]
    ref_at[child[first]] = at[first]
    later = ~first
    return par, ref_at, child[later], parent[later], at[later]


def lexorder(*keys: np.ndarray) -> np.ndarray:
    """``np.lexsort(keys)`` (the last key sorts first), quick on rows nearly in order.

    ``lexsort`` makes one full sort per key whatever the order (4M clicks, three keys:
    about 3 s). A snapshot updated after a load hands over rows that are nearly in order
    already (the old ones in order, a few new ones at the end); for those, one stable
    sort of the rows as records (timsort: it finds the sorted runs and merges them) takes
    a small part of that. Both give the same order; which one runs is a question of
    speed only, decided by how many neighbouring rows are out of order.
    """
    n = len(keys[0])
    later = np.zeros(max(n - 1, 0), dtype=bool)  # row i + 1 sorts before row i
    same = np.ones(max(n - 1, 0), dtype=bool)
    for k in reversed(keys):
        a, b = k[:-1], k[1:]
        later |= same & (b < a)
        same &= b == a
    descents = int(later.sum())
    if descents == 0:
        return np.arange(n)
    if descents * 20 > n:
        return np.lexsort(keys)
    rows = np.empty(n, dtype=[(f"k{i}", k.dtype) for i, k in enumerate(reversed(keys))])
    for i, k in enumerate(reversed(keys)):
        rows[f"k{i}"] = k
    return np.argsort(rows, kind="stable")


def cut_cycles(par: np.ndarray) -> list[tuple[int, int]]:
    """Make the parent array a forest: in each referral cycle, the member with the
    smallest index becomes a root. Returns the (child, parent) edges cut. The loader
    refuses cycles; only writes that bypass it leave one, so this loop is rare."""
    reached = _reached(par)
    cut: list[tuple[int, int]] = []
    while not reached.all():
        v = int(np.flatnonzero(~reached)[0])
        path: dict[int, None] = {}
        while v not in path:  # follow the referrers until one repeats: that is the cycle
            path[v] = None
            v = int(par[v])
        cycle = list(path)[list(path).index(v):]
        c = min(cycle)
        cut.append((c, int(par[c])))
        par[c] = -1
        reached = _reached(par)
    return cut


def _reached(par: np.ndarray) -> np.ndarray:
    """Which members a root reaches by following referrals down."""
    reached = par < 0
    frontier = reached.copy()
    kids = np.flatnonzero(~reached)
    while frontier.any():
        new = kids[frontier[par[kids]] & ~reached[kids]]
        reached[new] = True
        frontier = np.zeros_like(reached)
        frontier[new] = True
    return reached


def preorder(par: np.ndarray) -> tuple[np.ndarray, ...]:
    """The forest given by parent indexes (-1: a root) in preorder, children in index order.

    Returns ``order`` (old index per preorder position) and, per position, the
    parent's position, the root's position, the depth and the subtree size. Vectorised
    level by level (a few numpy passes per level of the deepest tree): children are
    grouped by parent (a stable sort keeps index order), sizes add up from the deepest
    level, and a child's position is its parent's plus one plus the sizes of its
    earlier siblings.
    """
    n = len(par)
    par = np.asarray(par, dtype=np.int64)
    is_root = par < 0
    kids = np.flatnonzero(~is_root)
    by_parent = kids[np.argsort(par[kids], kind="stable")]
    counts = np.bincount(par[kids], minlength=n) if n else np.zeros(0, dtype=np.int64)
    first = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=first[1:])
    levels: list[np.ndarray] = []
    frontier = np.flatnonzero(is_root)
    while frontier.size:
        levels.append(frontier)
        c = counts[frontier]
        total = int(c.sum())
        if not total:
            break
        # the children of every frontier member: their ranges of by_parent, concatenated
        starts = np.repeat(first[frontier] - np.cumsum(c) + c, c)
        frontier = by_parent[starts + np.arange(total)]
    if sum(len(level) for level in levels) != n:
        reached = sum(len(level) for level in levels)
        raise NotAForest(f"the referral graph is not a forest: {n - reached} members "
                          "sit on a cycle or below one")
    size = np.ones(n, dtype=np.int64)
    for level in reversed(levels[1:]):
        size += np.bincount(par[level], weights=size[level], minlength=n).astype(np.int64)
    # earlier siblings' sizes: an exclusive running sum within each parent's group
    sib = size[by_parent]
    before = np.cumsum(sib) - sib
    offset = np.empty(n, dtype=np.int64)
    offset[by_parent] = before - before[first[par[by_parent]]] if len(by_parent) else 0
    roots = levels[0] if levels else np.zeros(0, dtype=np.int64)
    pos = np.empty(n, dtype=np.int64)
    pos[roots] = np.cumsum(size[roots]) - size[roots]
    top = np.empty(n, dtype=np.int64)
    top[roots] = roots
    dep = np.empty(n, dtype=np.int64)
    dep[roots] = 0
    for d, level in enumerate(levels[1:], start=1):
        pos[level] = pos[par[level]] + 1 + offset[level]
        top[level] = top[par[level]]
        dep[level] = d
    order = np.empty(n, dtype=np.int64)
    order[pos] = np.arange(n)
    parent = np.where(is_root, -1, pos[np.maximum(par, 0)])[order]
    return order, parent, pos[top][order], dep[order], size[order]
