"""The snapshot's preorder of a forest, without a store: a path, a star, two trees, a cycle."""

from __future__ import annotations

import numpy as np
import pytest

from refnet.graph.errors import RefnetError
from refnet.queries.snapshot.core import _preorder


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
