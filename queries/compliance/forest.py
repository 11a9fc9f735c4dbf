"""The referral forest a compliance report reads, as of an instant, from the snapshot.

The snapshot holds the whole forest in preorder (``queries.snapshot``). As of
``as_of`` a member who had not joined is not there, and a referral made later, or
made by a member not there, is not either: its member is then a root of its own. A
member with several referrers hangs under the earliest one there as of then (by
time, a missing time first, then referrer id), which is the snapshot's parent unless
that one is not there yet; the later referrers are the snapshot's ``x_*`` edges.

Everything is per member position, computed with a few numpy passes:

* the effective root and depth by pointer jumping up the effective parent column
  (log2 of the depth passes), so members on a referral cycle, which reach no root,
  are found too;
* a preorder of the forest as of then: when every member keeps its snapshot parent
  or loses it (the common case), the snapshot's order stably sorted by effective root
  (a cut member's tree is its snapshot slice less the slices cut below it); when a
  later referrer takes a member over, positions are laid out again level by level;
* sizes and heights bottom-up, level by level (one ``np.add.at`` per level).

A report on one downline (an organizer's key always asks for one) need not build the
forest of every member: ``team_forest`` builds it over the root's snapshot slice only
when that slice decides the root's downline as of then (see there), so a 1,000-member
team costs what its slice costs, not what the network does (issue 14).

``Scope`` says which of its members one report covers (one downline, or every tree).
"""

from __future__ import annotations

import numpy as np

from refnet.graph.errors import BadInput, NotFound
from refnet.queries.snapshot import NONE, Snapshot, id_rank
from refnet.queries.window import Window

__all__ = ["Forest", "Scope", "extra_edges", "team_forest"]


def extra_edges(snap: Snapshot) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The referral edges the snapshot's forest does not hold: (child, parent, at)."""
    return (np.asarray(snap.x_child, dtype=np.int64), np.asarray(snap.x_parent, dtype=np.int64),
            np.asarray(snap.x_at, dtype=np.int64))


def team_forest(snap: Snapshot, as_of: int, root_id: str | None) -> Forest | None:
    """The forest as of ``as_of`` over ``root_id``'s snapshot slice alone, or None when
    that slice does not decide its downline (the caller then builds the whole forest,
    which also raises the errors a bad or absent root gets).

    The slice ``[r, r + size[r])`` holds every member the snapshot's own edges put below
    ``r``, and no snapshot edge enters it from outside but ``r``'s own. As of then, the
    slice decides ``r``'s downline exactly when no ``x_*`` edge there then (both ends
    joined, made by then) has one end inside the slice and one outside (a later referrer
    outside would take a member out, or one inside bring an outsider in), and none goes
    into ``r`` or a snapshot ancestor of ``r`` (which could put ``r`` on or under a
    cycle, where the whole forest has no downline for it, or under a member of its own
    slice). Otherwise: None, and the whole computation, as before.
    """
    if not isinstance(root_id, str):
        return None
    r = snap.position(root_id)
    if r is None or int(snap.joined_at[r]) > as_of:  # NONE: always there
        return None
    lo, hi = r, r + int(snap.size[r])
    xc, xp, xa = extra_edges(snap)
    if len(xc):
        joined = np.asarray(snap.joined_at)
        there = (joined[xc] <= as_of) & (joined[xp] <= as_of) & (xa <= as_of)
        xc, xp = xc[there], xp[there]
        crossing = ((xc >= lo) & (xc < hi)) != ((xp >= lo) & (xp < hi))
        above = (xc <= r) & (r < xc + np.asarray(snap.size)[xc])
        if (crossing | above).any():
            return None
    return Forest(snap, as_of, lo, hi)


def _roots(ep: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per member: its root and its depth under parents ``ep`` (-1: a root), and
    whether it reaches a root at all (members on a cycle or below one do not)."""
    n = len(ep)
    has = ep >= 0
    up = np.where(has, ep, np.arange(n))
    dist = has.astype(np.int64)
    for _ in range(max(1, int(n).bit_length() + 1)):
        nxt = up[up]
        if np.array_equal(nxt, up):
            break
        dist += dist[up]
        up = nxt
    reach = keep & (ep[up] < 0) if n else keep
    return up, dist, reach


class Forest:
    """The referral forest as of ``as_of`` over the snapshot's member positions
    ``[lo, hi)`` (every member by default), numbered from ``lo``: member ``v`` here is
    snapshot position ``lo + v`` (``local`` maps positions here).

    ``ep`` is each member's parent then (-1 a root or not there), ``root`` and ``depth``
    its effective root and depth, ``size`` the members below it and ``height`` the levels
    below it; ``order`` lists the members in a preorder of that forest and ``pos`` each
    member's place in it (-1 not there, or on a cycle), so ``v``'s downline is
    ``order[pos[v]:pos[v] + size[v] + 1]``.

    A slice (``team_forest``) is one member's snapshot slice: its first member is a
    root here, and only the ``x_*`` edges with both ends inside it are read.
    """

    def __init__(self, snap: Snapshot, as_of: int, lo: int = 0, hi: int | None = None) -> None:
        self.snap = snap
        hi = snap.members if hi is None else hi
        self.lo, self.whole = lo, lo == 0 and hi == snap.members
        n = self.n = hi - lo
        joined = np.asarray(snap.joined_at[lo:hi], dtype=np.int64)
        present = self.present = joined <= as_of  # NONE: always there
        self.joined = np.where(joined == NONE, 0, joined)
        self.ids = np.asarray(snap.ids[lo:hi])  # a plain view: no memmap per lookup
        rank = self.rank = id_rank(snap)[lo:hi]
        parent = np.asarray(snap.parent[lo:hi], dtype=np.int64)
        if not self.whole:  # inside a slice, every referrer but the first member's is too
            parent = parent - lo
            parent[:1] = -1
        ref_at = np.asarray(snap.ref_at[lo:hi], dtype=np.int64)
        has = parent >= 0
        ok = has & present & (ref_at <= as_of)
        ok[has] &= present[parent[has]]
        main = np.where(ok, parent, -1)  # the snapshot's edges still there
        ep = main.copy()

        # later referrers: who has more than one referrer there, and who is taken over
        xc, xp, xa = extra_edges(snap)
        if not self.whole:  # team_forest: no edge there then crosses the slice's bounds
            inside = (xc >= lo) & (xc < hi) & (xp >= lo) & (xp < hi)
            xc, xp, xa = xc[inside] - lo, xp[inside] - lo, xa[inside]
        valid = present[xc] & present[xp] & (xa <= as_of) if len(xc) else np.zeros(0, bool)
        xc, xp, xa = xc[valid], xp[valid], xa[valid]
        self.extra: dict[int, list[int]] = {}  # member -> every referrer, earliest first
        self.x_edges = (xc, xp)
        if len(xc):
            kids = np.unique(xc)
            mine = ok[kids]
            cc = np.concatenate([xc, kids[mine]])
            pp = np.concatenate([xp, parent[kids[mine]]])
            at = np.concatenate([xa, ref_at[kids[mine]]])
            at = np.where(at == NONE, 0, at)  # a missing time first, as coalesce(at, 0)
            by = np.lexsort((rank[pp], at, cc))
            cc, pp = cc[by], pp[by]
            first = np.r_[True, cc[1:] != cc[:-1]]
            ep[cc[first]] = pp[first]
            starts = np.flatnonzero(first)
            counts = np.diff(np.r_[starts, len(cc)])
            for s, k in zip(starts[counts > 1].tolist(), counts[counts > 1].tolist(),
                            strict=True):
                self.extra[int(cc[s])] = pp[s:s + k].tolist()
        self.main, self.ep = main, ep
        moved = not np.array_equal(ep, main)

        root, depth, reach = _roots(ep, present)
        self.root, self.depth, self.reach = root, depth, reach
        members = np.flatnonzero(reach)
        # members per level (depth is small: a radix sort)
        deepest = int(depth[members].max()) if len(members) else 0
        small = np.int16 if deepest < np.iinfo(np.int16).max else np.int64
        levels = np.argsort(depth[members].astype(small), kind="stable")
        by_level = members[levels]
        bounds = np.searchsorted(depth[by_level], np.arange(deepest + 2 if len(members) else 1))
        level = [by_level[bounds[d]:bounds[d + 1]] for d in range(len(bounds) - 1)]
        size = np.zeros(n, dtype=np.int64)
        height = np.zeros(n, dtype=np.int64)
        for m in reversed(level[1:]):
            np.add.at(size, ep[m], size[m] + 1)
            np.maximum.at(height, ep[m], height[m] + 1)
        self.size, self.height = size, height

        pos = np.full(n, -1, dtype=np.int64)
        if not moved:
            # the snapshot's preorder less the members not there, each cut tree moved to
            # after the trees before its root: a preorder of the forest as of then
            order = members if np.all(np.diff(root[members]) >= 0) else \
                members[np.argsort(root[members], kind="stable")]
        else:
            tops = level[0] if level else members[:0]
            pos[tops] = np.cumsum(size[tops] + 1) - (size[tops] + 1)
            for m in level[1:]:
                m = m[np.argsort(ep[m], kind="stable")]
                p = ep[m]
                width = size[m] + 1
                before = np.cumsum(width) - width
                first = np.r_[True, p[1:] != p[:-1]]
                group = np.cumsum(first) - 1
                pos[m] = pos[p] + 1 + before - before[first][group]
            order = np.empty(len(members), dtype=np.int64)
            order[pos[members]] = members
        pos[order] = np.arange(len(order))
        self.order, self.pos = order, pos
        self.top = -1  # set by Scope when a report covers one downline

    # -- the snapshot's positions ---------------------------------------------------------

    def local(self, positions: np.ndarray) -> np.ndarray:
        """Snapshot positions as this forest's members (-1: none, or outside the slice)."""
        positions = np.asarray(positions, dtype=np.int64)
        if self.whole:
            return positions
        mine = positions - self.lo
        return np.where((mine >= 0) & (mine < self.n), mine, -1)

    def promoted(self) -> slice:
        """The purchases (sorted by promoter position) whose promoter this forest holds:
        every one for the whole snapshot (those of no promoter too), else one range."""
        if self.whole:
            return slice(0, len(self.snap.p_promoter))
        a, b = np.searchsorted(self.snap.p_promoter, [self.lo, self.lo + self.n])
        return slice(int(a), int(b))

    # -- single members ------------------------------------------------------------------

    def id(self, v: int) -> str:
        return str(self.ids[v])

    def subtree(self, v: int) -> np.ndarray:
        """``v`` and its downline, in preorder."""
        p = int(self.pos[v])
        return self.order[p:p + int(self.size[v]) + 1]

    def children(self, v: int) -> np.ndarray:
        below = self.subtree(v)[1:]
        return below[self.ep[below] == v]

    def chain(self, v: int) -> list[str]:
        """Root -> ... -> v; in a report on one downline, that downline's root -> ... -> v,
        so evidence never names a member above the member asked about."""
        out = []
        seen = set()
        while v >= 0 and v not in seen:
            seen.add(v)
            out.append(self.id(v))
            if v == self.top:
                break
            v = int(self.ep[v])
        return out[::-1]

    def deepest_path(self, v: int) -> list[str]:
        """Root -> ... -> v -> ... -> the deepest member below v: at each step the child
        with the most levels, then the most members below it, then the earliest joined
        (then the smallest id)."""
        path = self.chain(v)
        while self.size[v]:
            kids = self.children(v)
            best = np.lexsort((self.rank[kids], self.joined[kids], -self.size[kids],
                               -self.height[kids]))[0]
            v = int(kids[best])
            path.append(self.id(v))
        return path


class Scope:
    """Which members a report covers: one downline (``root_id``) or every tree."""

    def __init__(self, forest: Forest, root_id: str | None, window: Window) -> None:
        self.forest = forest
        f = forest
        if root_id is None:
            self.roots = f.order[f.ep[f.order] < 0]
            self.members = f.order
            self.top = -1
            self.base = 0
        else:
            if not isinstance(root_id, str) or not root_id.strip():
                raise BadInput("root_id must be a member id")
            v = f.snap.position(root_id)
            v = None if v is None or not 0 <= v - f.lo < f.n else v - f.lo
            if v is None or not f.present[v]:
                raise NotFound(f"no member {root_id!r} had joined by "
                               f"{window.describe()['as_of']}")
            if f.pos[v] < 0:
                raise BadInput(f"member {root_id!r} sits in a referral cycle; run the report "
                               "without a root to see it")
            self.roots = np.array([v], dtype=np.int64)
            self.members = f.subtree(v)
            f.top = self.top = v
            self.base = int(f.depth[v])
        self.whole = root_id is None

    def level(self, v: np.ndarray | int) -> np.ndarray | int:
        """Levels above ``v`` inside the scope: its depth, from ``root_id`` when one is set
        (a report on one downline counts nobody above it)."""
        return self.forest.depth[v] - self.base

    def org(self, v: np.ndarray) -> np.ndarray:
        """The organization (scope root) of each member position in ``v`` (-1: none, or
        outside the scope); ``v`` may hold -1 for no member."""
        f = self.forest
        v = np.asarray(v, dtype=np.int64)
        ok = v >= 0
        out = np.full(len(v), -1, dtype=np.int64)
        w = v[ok]
        if self.whole:
            out[ok] = np.where(f.pos[w] >= 0, f.root[w], -1)
        else:
            top = self.top
            lo = int(f.pos[top])
            inside = (f.pos[w] >= lo) & (f.pos[w] <= lo + int(f.size[top]))
            out[ok] = np.where(inside, top, -1)
        return out
