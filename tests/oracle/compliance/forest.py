"""The referral forest a compliance report reads: preorder, sizes, heights, chains.

Built from the members and referrals as of the window's end; ``Scope`` says which of
its members one report covers (one downline, or every tree)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from refnet.graph.errors import BadInput, NotFound
from refnet.queries.window import Window

__all__ = ["Forest", "Scope"]


class Forest:
    """Members, their first referrer, the trees in preorder, sizes and heights."""

    def __init__(self, members: list[tuple[Any, ...]], referrals: list[tuple[Any, ...]]) -> None:
        members = sorted(members, key=lambda r: str(r[0]))
        self.ids = [str(r[0]) for r in members]
        self.index = {m: i for i, m in enumerate(self.ids)}
        n = len(self.ids)
        self.joined = np.array([int(r[1] or 0) for r in members], dtype=np.int64)
        self.parent = [-1] * n
        self.extra: dict[int, list[str]] = {}  # member -> every referrer, when more than one
        self.edges: list[tuple[int, int]] = []
        links: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for parent, child, at in referrals:
            p, c = self.index.get(str(parent)), self.index.get(str(child))
            if p is not None and c is not None:
                links[c].append((int(at or 0), str(parent)))
                self.edges.append((p, c))
        for c, found in links.items():
            found.sort()
            self.parent[c] = self.index[found[0][1]]
            if len(found) > 1:
                self.extra[c] = [p for _, p in found]
        self.top = -1  # set by _Scope when a report covers one downline
        self.children: list[list[int]] = [[] for _ in range(n)]
        for i, p in enumerate(self.parent):
            if p >= 0:
                self.children[p].append(i)
        for kids in self.children:
            kids.sort(key=lambda k: (int(self.joined[k]), self.ids[k]))
        self.depth = [-1] * n  # -1: not under any root (a cycle or below one)
        self.root = [-1] * n
        self.order: list[int] = []
        self.pos = [-1] * n
        for r in (i for i in range(n) if self.parent[i] < 0):
            stack = [r]
            self.depth[r] = 0
            while stack:
                v = stack.pop()
                self.pos[v] = len(self.order)
                self.order.append(v)
                self.root[v] = r
                for c in reversed(self.children[v]):
                    self.depth[c] = self.depth[v] + 1
                    stack.append(c)
        self.size = [0] * n  # members below, the member excluded
        self.height = [0] * n  # levels below the member
        for v in reversed(self.order):
            p = self.parent[v]
            if p >= 0:
                self.size[p] += self.size[v] + 1
                self.height[p] = max(self.height[p], self.height[v] + 1)

    def subtree(self, v: int) -> list[int]:
        """``v`` and its downline, in preorder."""
        return self.order[self.pos[v]:self.pos[v] + self.size[v] + 1]

    def is_below(self, v: int, top: int) -> bool:
        """Is ``v`` in ``top``'s downline (``top`` itself excluded)?"""
        return self.pos[top] >= 0 and self.pos[top] < self.pos[v] <= self.pos[top] \
            + self.size[top]

    def chain(self, v: int) -> list[str]:
        """Root -> ... -> v; in a report on one downline, that downline's root -> ... -> v,
        so evidence never names a member above the member asked about."""
        out = []
        seen = set()
        while v >= 0 and v not in seen:
            seen.add(v)
            out.append(self.ids[v])
            if v == self.top:
                break
            v = self.parent[v]
        return out[::-1]

    def deepest_path(self, v: int) -> list[str]:
        """Root -> ... -> v -> ... -> the deepest member below v."""
        path = self.chain(v)
        while self.children[v]:
            v = max(self.children[v], key=lambda c: (self.height[c], self.size[c]))
            path.append(self.ids[v])
        return path


class Scope:
    """Which members a report covers: one downline (``root_id``) or every tree."""

    def __init__(self, forest: Forest, root_id: str | None, window: Window) -> None:
        self.forest = forest
        if root_id is None:
            self.roots = [v for v in forest.order if forest.parent[v] < 0]
            self.members = list(forest.order)
        else:
            if not isinstance(root_id, str) or not root_id.strip():
                raise BadInput("root_id must be a member id")
            v = forest.index.get(root_id)
            if v is None:
                raise NotFound(f"no member {root_id!r} had joined by "
                               f"{window.describe()['as_of']}")
            if forest.pos[v] < 0:
                raise BadInput(f"member {root_id!r} sits in a referral cycle; run the report "
                               "without a root to see it")
            self.roots = [v]
            self.members = forest.subtree(v)
            forest.top = v
        self.whole = root_id is None

    def org(self, v: int | None) -> int:
        """The organization (scope root) ``v`` belongs to, or -1 outside the scope."""
        if v is None or self.forest.pos[v] < 0:
            return -1
        if self.whole:
            return self.forest.root[v]
        top = self.roots[0]
        return top if v == top or self.forest.is_below(v, top) else -1
