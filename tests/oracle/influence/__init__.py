"""Influence through Cypher: the oracle the snapshot's answers
(``refnet.queries.influence``) are held equal to.

These were the product's reads before the analytic snapshot (issue 14): the trust
projection pulled with ``influence/members`` and ``influence/trust``, the revenue with
``influence/attributed`` and ``influence/reached``, the team with the Cypher
``downline/team``. The PageRank itself is the product's (``influence.pagerank``, held
to networkx by tests/unit/test_pagerank.py); what this checks is everything read
from the graph and everything counted around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from refnet.graph.errors import BadInput, NotFound
from refnet.graph.store import GraphStore
from refnet.queries.influence import ALPHA, InfluenceRanking, RankedMember, pagerank
from refnet.queries.params import MAX_TOP
from refnet.queries.stats import spearman
from refnet.queries.window import Window
from tests.oracle.downline import team_cypher

__all__ = ["Pulled", "pull", "rank", "revenue"]


@dataclass(frozen=True)
class Pulled:
    """Members (sorted ids) and trust edges as index arrays, as of ``as_of``."""

    ids: tuple[str, ...]
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray

    @property
    def n(self) -> int:
        return len(self.ids)

    def trust_matrix(self) -> sp.csr_array:
        return sp.csr_array((self.weight, (self.src, self.dst)), shape=(self.n, self.n))


def pull(store: GraphStore, as_of: int, team: Sequence[str] | None = None) -> Pulled:
    """The trust projection as of ``as_of`` through Cypher, cut to ``team`` if given."""
    params = {"as_of": as_of}
    ids = sorted(str(r[0]) for r in store.run("influence/members", params).rows)
    if team is not None:
        ids = sorted(set(ids) & set(team))
    lookup = {member: i for i, member in enumerate(ids)}
    edges = [r for r in store.run("influence/trust", params).rows
             if r[0] in lookup and r[1] in lookup]
    src = np.array([lookup[r[0]] for r in edges], dtype=np.int64)
    dst = np.array([lookup[r[1]] for r in edges], dtype=np.int64)
    weight = np.array([float(r[2] or 0.0) for r in edges], dtype=float)
    return Pulled(tuple(ids), src, dst, weight)


def revenue(store: GraphStore, window: Window,
            team: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Per promoter: orders, gmv, commission, buyers, outside_orders, reached_gmv."""
    params = {**window.params(), "members": team}
    out: dict[str, dict[str, int]] = {}
    for r in store.run("influence/attributed", params).records():
        member = str(r.pop("member"))
        out[member] = {key: int(v or 0) for key, v in r.items()}
    for r in store.run("influence/reached", params).records():
        out.setdefault(str(r["member"]), {})["reached_gmv"] = int(r["reached_gmv"] or 0)
    for r in out.values():
        for key in ("orders", "gmv", "commission", "buyers", "outside_orders", "reached_gmv"):
            r.setdefault(key, 0)
    return out


def rank(store: GraphStore, window: Window, *, top: int = 20,
         personalize: Sequence[str] | None = None, alpha: float = ALPHA,
         root_id: str | None = None) -> InfluenceRanking:
    """The ranking as the product answered it before the snapshot."""
    if not 1 <= top <= MAX_TOP:
        raise BadInput(f"top must be from 1 to {MAX_TOP:,}, got {top}")
    team = None if root_id is None else team_cypher(store, root_id, window.as_of)
    proj = pull(store, window.as_of, team)
    if proj.n == 0:
        raise BadInput("there are no members as of the window's end: nothing to rank")
    personal = sorted(set(personalize or ()))
    vector = None
    if personal:
        vector = np.zeros(proj.n)
        for m in personal:
            if m not in proj.ids:
                raise NotFound(f"no member {m!r} in the trust network as of the window's end")
            vector[proj.ids.index(m)] = 1.0
    scores, iterations = pagerank(proj.trust_matrix(), alpha=alpha, personalization=vector)
    rev = revenue(store, window, team)
    gmv = np.array([rev.get(member, {}).get("gmv", 0) for member in proj.ids], float)
    order = np.lexsort((np.arange(proj.n), -scores))
    trusted_by = np.bincount(proj.dst, minlength=proj.n)
    trust_in = np.bincount(proj.dst, weights=proj.weight, minlength=proj.n)
    by_gmv = sorted((m for m, r in rev.items() if r["gmv"] > 0),
                    key=lambda m: (-rev[m]["gmv"], m))
    gmv_rank = {m: i + 1 for i, m in enumerate(by_gmv)}
    rows = []
    for position, i in enumerate(order[:top], start=1):
        member = proj.ids[i]
        r = rev.get(member, {})
        rows.append(RankedMember(
            position, member, float(scores[i]), int(trusted_by[i]), float(trust_in[i]),
            int(r.get("orders", 0)), int(r.get("gmv", 0)), int(r.get("commission", 0)),
            int(r.get("buyers", 0)), int(r.get("outside_orders", 0)),
            int(r.get("reached_gmv", 0)), gmv_rank.get(member),
        ))
    total = sum(int(r["gmv"]) for r in rev.values())
    top_gmv = sum(row.gmv for row in rows)
    return InfluenceRanking(
        window=window.describe(), members=proj.n, trust_edges=len(proj.src), alpha=alpha,
        personalized=personal, iterations=iterations, total_gmv=total,
        promoters=len(by_gmv), top_gmv=top_gmv,
        top_gmv_share=top_gmv / total if total else None,
        spearman=spearman(scores, gmv), rows=rows, root_id=root_id,
    )
