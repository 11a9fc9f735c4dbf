"""The snapshot's preorder of a forest, without a store: a path, a star, two trees, a cycle."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from refnet.graph.errors import RefnetError
from refnet.queries.snapshot.forest import lexorder
from refnet.queries.snapshot.forest import preorder as _preorder


def preorder(parents: list[int]) -> dict[str, list[int]]:
    order, parent, root, depth, size = _preorder(np.array(parents, dtype=np.int64))
    return {"order": order.tolist(), "parent": parent.tolist(), "root": root.tolist(),
            "depth": depth.tolist(), "size": size.tolist()}


def test_path() -> None:
    assert preorder([-1, 0, 1, 2]) == {"order": [0, 1, 2, 3], "parent": [-1, 0, 1, 2],
                                       "root": [0, 0, 0, 0], "depth": [0, 1, 2, 3],
                                       "size": [4, 3, 2, 1]}


def test_star_and_a_second_tree() -> None:
    # 0 is a leaf root; 1 has children 4, 2, 3 (in index order: 2, 3, 4); 3 has child 5
    got = preorder([-1, -1, 1, 1, 1, 3])
    assert got["order"] == [0, 1, 2, 3, 5, 4]
    assert got["parent"] == [-1, -1, 1, 1, 3, 1]
    assert got["root"] == [0, 1, 1, 1, 1, 1]
    assert got["depth"] == [0, 0, 1, 1, 2, 1]
    assert got["size"] == [1, 5, 1, 2, 1, 1]
    # every downline is one slice: j is below i exactly when i < j < i + size[i]
    parent, size = got["parent"], got["size"]
    for j, p in enumerate(parent):
        while p >= 0:
            assert p < j < p + size[p]
            p = parent[p]


def test_children_listed_before_their_parent() -> None:
    got = preorder([2, 2, -1])  # the root comes last by index
    assert got["order"] == [2, 0, 1] and got["size"] == [3, 1, 1]


def test_empty_and_cycle() -> None:
    assert preorder([])["order"] == []
    with pytest.raises(RefnetError, match="not a forest"):
        preorder([-1, 2, 1])


def naive(parents: list[int]) -> dict[str, list[int]]:
    """The preorder by an explicit stack: what the vectorised levels must equal."""
    n = len(parents)
    children: list[list[int]] = [[] for _ in range(n)]
    for i, p in enumerate(parents):
        if p >= 0:
            children[p].append(i)
    order, parent, root, depth = [], [], [], []
    for r in (i for i, p in enumerate(parents) if p < 0):
        stack = [(r, -1, 0)]
        while stack:
            v, ppos, d = stack.pop()
            parent.append(ppos)
            root.append(len(order) if ppos < 0 else root[ppos])
            depth.append(d)
            order.append(v)
            stack.extend((c, len(order) - 1, d + 1) for c in reversed(children[v]))
    size = [1] * n
    for pos in range(n - 1, -1, -1):
        if parent[pos] >= 0:
            size[parent[pos]] += size[pos]
    return {"order": order, "parent": parent, "root": root, "depth": depth, "size": size}


@st.composite
def forests(draw: st.DrawFn) -> list[int]:
    """Random forests: member i's parent is -1 or any member (a permutation hides the
    order, so parents come after children too)."""
    n = draw(st.integers(0, 40))
    parents = [draw(st.integers(-1, i - 1)) for i in range(n)]
    perm = draw(st.permutations(range(n)))
    moved = [-1] * n
    for i, p in enumerate(parents):
        moved[perm[i]] = -1 if p < 0 else perm[p]
    return moved


@given(forests())
def test_vectorised_preorder_equals_the_stack_walk(parents: list[int]) -> None:
    assert preorder(parents) == naive(parents)


@given(rows=st.lists(st.tuples(st.integers(-3, 3), st.integers(-2**63, 2**63 - 1)
                               | st.integers(-2, 2), st.integers(0, 3)), max_size=60),
       tail=st.integers(0, 5))
def test_lexorder_is_lexsort(rows: list[tuple[int, int, int]], tail: int) -> None:
    """Rows in any order, and sorted rows with a few more after them (the quick path)."""
    keys = [np.array(k, dtype=np.int64) for k in zip(*rows, strict=True)] if rows else [
        np.zeros(0, dtype=np.int64)] * 3
    assert lexorder(*keys).tolist() == np.lexsort(keys).tolist()
    cut = max(len(rows) - tail, 0)
    head = [k[:cut][np.lexsort([x[:cut] for x in keys])] for k in keys]
    nearly = [np.concatenate([h, k[cut:]]) for h, k in zip(head, keys, strict=True)]
    assert lexorder(*nearly).tolist() == np.lexsort(nearly).tolist()
