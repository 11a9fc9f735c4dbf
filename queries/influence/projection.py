"""The trust projection: members and weighted ``TRUSTS`` edges as sparse matrices.

Influence runs its algorithms (PageRank, cascades) in numpy/scipy on a projection
pulled with two Cypher queries (``influence/members``, ``influence/trust``) as of an
instant: members who had joined by then and trust edges that existed by then.
Pulling 20,000 members and 60,000 edges takes 1-2 s (100,000 and 300,000: 3-6 s),
so projections are cached, keyed by the store (backend, location, graph), the
as-of instant and the graph's *version*: a cheap fingerprint query
(``influence/version``: how many members, trust edges and load runs, the latest
join and the latest load's finish). Every load changes the version, so the next
question pulls afresh; ``invalidate()`` drops cached projections for writes that
bypass the loader (the API's ``recomputeInfluence`` mutation should call it).

Direction: row ``i``, column ``j`` of ``trust_matrix()`` is the weight of
``(ids[i])-[:TRUSTS]->(ids[j])`` — i trusts j.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from refnet.graph.errors import NotFound
from refnet.graph.store import GraphStore

__all__ = ["CACHE_SIZE", "Projection", "cached", "invalidate", "project", "version"]

CACHE_SIZE = 8  # projections kept (per store and as-of instant), least recently used out

_cache: OrderedDict[tuple[Any, ...], Projection] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True, eq=False)
class Projection:
    """Members (sorted ids) and trust edges as index arrays, as of ``as_of``."""

    as_of: int
    ids: tuple[str, ...]
    src: np.ndarray  # index of the member who trusts
    dst: np.ndarray  # index of the member trusted
    weight: np.ndarray  # 0..1
    positions: dict[str, int]  # id -> row

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return len(self.src)

    def index(self, member: str) -> int:
        """The row of ``member``; NotFound if it was not a member as of ``as_of``."""
        try:
            return self.positions[member]
        except KeyError:
            raise NotFound(f"no member {member!r} in the trust network as of the window's "
                           f"end") from None

    def restrict(self, members: Iterable[str]) -> Projection:
        """The projection induced by ``members``: only them, and only trust among them
        (what one team's influence answer sees; nothing outside it moves its scores)."""
        keep = sorted(m for m in set(members) if m in self.positions)
        rows = np.fromiter((self.positions[m] for m in keep), np.int64, len(keep))
        new = np.full(self.n, -1, np.int64)
        new[rows] = np.arange(len(keep))
        inside = (new[self.src] >= 0) & (new[self.dst] >= 0)
        src, dst, weight = new[self.src[inside]], new[self.dst[inside]], self.weight[inside]
        for arr in (src, dst, weight):
            arr.flags.writeable = False
        return Projection(self.as_of, tuple(keep), src, dst, weight,
                          {m: i for i, m in enumerate(keep)})

    def trust_matrix(self) -> sp.csr_array:
        """``A[i, j]`` = weight of i trusts j: PageRank's edges (rank flows to the trusted)."""
        return sp.csr_array((self.weight, (self.src, self.dst)), shape=(self.n, self.n))

    def influence_matrix(self) -> sp.csr_array:
        """``P[j, i]`` = weight of i trusts j: the probability j moves i (IC edges)."""
        return sp.csr_array((self.weight, (self.dst, self.src)), shape=(self.n, self.n))


def version(store: GraphStore) -> tuple[Any, ...]:
    """The graph's version as far as the projection can tell (see the module docstring)."""
    row = store.run("influence/version").single()
    return tuple(row[key] for key in sorted(row))


def project(store: GraphStore, as_of: int) -> Projection:
    """The projection as of ``as_of``, from the cache when the graph has not changed."""
    key = (*_store_key(store), version(store), int(as_of))
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    projection = _pull(store, int(as_of))
    with _lock:
        _cache[key] = projection
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return projection


def invalidate(store: GraphStore | None = None) -> int:
    """Drop the cached projections of ``store`` (all stores if None); returns how many."""
    with _lock:
        keys = [k for k in _cache if store is None or k[:4] == _store_key(store)]
        for k in keys:
            del _cache[k]
        return len(keys)


def cached() -> int:
    """How many projections the cache holds (for tests and ``refnet db status``)."""
    return len(_cache)


def _store_key(store: GraphStore) -> tuple[str, str, str, str]:
    c = store.config
    where = c.neo4j_uri if store.backend == "neo4j" else str(c.data_dir)
    return (store.backend, where, c.neo4j_database if store.backend == "neo4j" else "", c.graph)


def _pull(store: GraphStore, as_of: int) -> Projection:
    params = {"as_of": as_of}
    ids = tuple(sorted(str(r[0]) for r in store.run("influence/members", params).rows))
    lookup = {member: i for i, member in enumerate(ids)}
    # An edge whose member is missing can only come from a load between the two reads.
    edges = [r for r in store.run("influence/trust", params).rows
             if r[0] in lookup and r[1] in lookup]
    src = np.fromiter((lookup[r[0]] for r in edges), np.int64, len(edges))
    dst = np.fromiter((lookup[r[1]] for r in edges), np.int64, len(edges))
    weight = np.fromiter((float(r[2] or 0.0) for r in edges), float, len(edges))
    for arr in (src, dst, weight):
        arr.flags.writeable = False  # shared through the cache
    return Projection(as_of, ids, src, dst, weight, lookup)
