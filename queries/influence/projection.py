"""The trust projection: members and weighted ``TRUSTS`` edges as sparse matrices.

Built from the analytic snapshot's columns (``queries.snapshot``) as of an instant:
the members who had joined by then (``joined_at``; a member with no join time, a
stub made from an order, counts as present) and the trust edges that existed by then
(``t_since``; none counts as always there) between two of them. It costs a few masks
over the columns (tens of ms at a million members), so nothing is cached: the
snapshot already is the per-data-version copy every process maps.

Node ``i`` is the ``i``-th present member in id order (``Projection.nodes`` holds its
snapshot position), so ties broken by node number are broken by member id.

Direction: row ``i``, column ``j`` of ``trust_matrix()`` is the weight of
``(ids[i])-[:TRUSTS]->(ids[j])`` — i trusts j. An edge with no weight weighs 0 (it
counts as an edge, moves no rank and never fires).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from refnet.graph.errors import NotFound
from refnet.queries.snapshot import Snapshot

__all__ = ["Projection", "project"]


@dataclass(frozen=True, eq=False)
class Projection:
    """Present members (in id order) and the trust among them, as of ``as_of``."""

    as_of: int
    snap: Snapshot
    nodes: np.ndarray  # int64: the snapshot position of node i (ascending member id)
    node_of: np.ndarray  # int64 per snapshot position: its node, -1 when not present
    src: np.ndarray  # node who trusts
    dst: np.ndarray  # node trusted
    weight: np.ndarray  # 0..1

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def m(self) -> int:
        return len(self.src)

    def member(self, node: int) -> str:
        """The id of ``node``."""
        return str(self.snap.ids[self.nodes[node]])

    def index(self, member: str) -> int:
        """The node of ``member``; NotFound if it was not a member as of ``as_of``."""
        pos = self.snap.position(member)
        node = -1 if pos is None else int(self.node_of[pos])
        if node < 0:
            raise NotFound(f"no member {member!r} in the trust network as of the window's "
                           f"end")
        return node

    def trust_matrix(self) -> sp.csr_array:
        """``A[i, j]`` = weight of i trusts j: PageRank's edges (rank flows to the trusted)."""
        return sp.csr_array((self.weight, (self.src, self.dst)), shape=(self.n, self.n))

    def influence_matrix(self) -> sp.csr_array:
        """``P[j, i]`` = weight of i trusts j: the probability j moves i (IC edges)."""
        return sp.csr_array((self.weight, (self.dst, self.src)), shape=(self.n, self.n))


def project(snap: Snapshot, as_of: int, team: np.ndarray | None = None) -> Projection:
    """The projection as of ``as_of``; ``team`` (a mask over snapshot positions) keeps
    only those members and the trust among them (one team's answer: nothing outside
    it moves its scores)."""
    present = np.asarray(snap.joined_at) <= as_of  # NONE (no join time) is before all
    if team is not None:
        present &= team
    order = np.asarray(snap.id_order, dtype=np.int64)
    nodes = order[present[order]]
    node_of = np.full(snap.members, -1, dtype=np.int64)
    node_of[nodes] = np.arange(len(nodes))
    src = node_of[np.asarray(snap.t_src)]
    dst = node_of[np.asarray(snap.t_dst)]
    keep = (src >= 0) & (dst >= 0) & (np.asarray(snap.t_since) <= as_of)
    weight = np.nan_to_num(np.asarray(snap.t_weight, dtype=float)[keep], nan=0.0)
    return Projection(int(as_of), snap, nodes, node_of, src[keep], dst[keep], weight)
