"""Influence from the analytic snapshot: the trust projection, PageRank, revenue, seeds."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from refnet.graph.errors import BadInput
from refnet.graph.store import GraphStore
from refnet.queries import snapshot as snapshots
from refnet.queries.downline import team_slice
from refnet.queries.params import MAX_TOP
from refnet.queries.snapshot import Snapshot, id_rank
from refnet.queries.stats import spearman
from refnet.queries.window import Window, latest_event

from . import cascade
from .pagerank import ALPHA, pagerank
from .params import METHODS, InfluenceParams
from .projection import Projection, project
from .results import Influence, InfluenceRanking, InfluenceSeeds, RankedMember, SeedMember
from .revenue import FIELDS, revenue_from

__all__ = ["ask", "rank", "rank_from", "seeds", "seeds_from", "team_mask"]


def ask(store: GraphStore, params: InfluenceParams,
        latest: Callable[[GraphStore], int | None] = latest_event) -> Influence:
    """The influence question as every front end asks it, from the snapshot of the
    store's current data version: the ranking, and the seeds when ``params.seeds`` > 0."""
    w = params.window(store, latest)
    snap = snapshots.current(store, store.config.data_dir)
    ranking = rank_from(snap, w, top=params.top, personalize=params.personalize,
                        alpha=params.alpha, root_id=params.root_id)
    chosen = None
    if params.seeds:
        chosen = seeds_from(snap, w, k=params.seeds, method=params.method,
                            epsilon=params.epsilon, runs=params.runs, seed=params.random_seed,
                            root_id=params.root_id)
    return Influence(ranking=ranking, seeds=chosen, data_version=snap.version)


def rank(store: GraphStore, window: Window, *, top: int = 20,
         personalize: Sequence[str] | None = None, alpha: float = ALPHA,
         root_id: str | None = None) -> InfluenceRanking:
    """``rank_from`` on the snapshot of the store's current data version."""
    snap = snapshots.current(store, store.config.data_dir)
    return rank_from(snap, window, top=top, personalize=personalize, alpha=alpha,
                     root_id=root_id)


def seeds(store: GraphStore, window: Window, *, k: int = 10, method: str = "imm",
          epsilon: float = 0.5, runs: int = 1_000, seed: int = 0,
          root_id: str | None = None) -> InfluenceSeeds:
    """``seeds_from`` on the snapshot of the store's current data version."""
    snap = snapshots.current(store, store.config.data_dir)
    return seeds_from(snap, window, k=k, method=method, epsilon=epsilon, runs=runs, seed=seed,
                      root_id=root_id)


def rank_from(snap: Snapshot, window: Window, *, top: int = 20,
              personalize: Sequence[str] | None = None, alpha: float = ALPHA,
              root_id: str | None = None) -> InfluenceRanking:
    """The ``top`` members by (personalized) PageRank, with their revenue in the window.

    With ``root_id``, one team's answer: PageRank over the trust among ``root_id``'s
    downline only, and the revenue its members bring through it (``revenue``).
    """
    if not 1 <= top <= MAX_TOP:
        raise BadInput(f"top must be from 1 to {MAX_TOP:,}, got {top}")
    team = None if root_id is None else team_mask(snap, root_id, window.as_of)
    proj = project(snap, window.as_of, team)
    if proj.n == 0:
        raise BadInput("there are no members as of the window's end: nothing to rank")
    if isinstance(personalize, str):
        personalize = [personalize]
    personal = sorted(set(personalize or ()))
    vector = None
    if personal:
        vector = np.zeros(proj.n)
        vector[[proj.index(m) for m in personal]] = 1.0
    scores, iterations = pagerank(proj.trust_matrix(), alpha=alpha, personalization=vector)
    revenue = revenue_from(snap, window, team)
    gmv = revenue.column("gmv", proj.nodes)
    shown = _top(scores, top)
    positions = proj.nodes[shown]
    trusted_by = np.bincount(proj.dst, minlength=proj.n)
    trust_in = np.bincount(proj.dst, weights=proj.weight, minlength=proj.n)
    columns = {f: revenue.column(f, positions) for f in FIELDS}  # RankedMember's order
    gmv_rank = _gmv_rank(snap, revenue.who, revenue.gmv, positions, columns["gmv"])
    rows = [
        RankedMember(
            row + 1, proj.member(i), float(scores[i]), int(trusted_by[i]), float(trust_in[i]),
            *(int(columns[f][row]) for f in columns), gmv_rank[row])
        for row, i in enumerate(shown.tolist())
    ]
    total = int(revenue.gmv.sum())
    top_gmv = int(columns["gmv"].sum())
    return InfluenceRanking(
        window=window.describe(), members=proj.n, trust_edges=proj.m, alpha=alpha,
        personalized=personal, iterations=iterations, total_gmv=total,
        promoters=int((revenue.gmv > 0).sum()), top_gmv=top_gmv,
        top_gmv_share=top_gmv / total if total else None,
        spearman=spearman(scores, gmv), rows=rows, root_id=root_id,
    )


def seeds_from(snap: Snapshot, window: Window, *, k: int = 10, method: str = "imm",
               epsilon: float = 0.5, runs: int = 1_000, seed: int = 0,
               root_id: str | None = None) -> InfluenceSeeds:
    """k seed members maximising the expected cascade on reversed, weighted trust edges.

    ``method`` is ``imm`` (RR sets with OPIM-C's certified stopping rule; any size) or
    ``celf`` (at most ``cascade.CELF_MAX_NODES`` members); ``runs`` Monte-Carlo
    cascades estimate the spread (and CELF's gains).
    With ``root_id``, seeds within that downline, spreading over trust inside it.
    """
    if method not in METHODS:
        raise BadInput(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if not 1 <= runs <= 100_000:
        raise BadInput(f"runs must be between 1 and 100,000, got {runs}")
    team = None if root_id is None else team_mask(snap, root_id, window.as_of)
    proj = project(snap, window.as_of, team)
    if proj.n == 0:
        raise BadInput("there are no members as of the window's end: nothing to seed")
    if not 1 <= k <= proj.n:
        raise BadInput(f"k must be between 1 and the number of members ({proj.n:,}), "
                       f"got {k}")
    graph = proj.influence_matrix()
    if method == "celf":
        if proj.n > cascade.CELF_MAX_NODES:
            raise BadInput(
                f"CELF with Monte-Carlo simulation is limited to {cascade.CELF_MAX_NODES:,} "
                f"members and this network has {proj.n:,} as of the window's end; "
                f"use method 'imm'")
        chosen = cascade.celf(graph, k, runs=runs, seed=seed)
    else:
        chosen = cascade.imm(graph, k, epsilon=epsilon, seed=seed, runs=runs)
    place = _places(proj, chosen.seeds)
    return InfluenceSeeds(
        window=window.describe(), members=proj.n, trust_edges=proj.m, method=method, k=k,
        seed=seed, spread=chosen.spread, ci_low=chosen.ci_low, ci_high=chosen.ci_high,
        runs=chosen.runs, estimate=chosen.estimate, epsilon=chosen.epsilon,
        rr_sets=chosen.rr_sets, lower_bound=chosen.lower_bound,
        upper_bound=chosen.upper_bound, approximation=chosen.approximation,
        seeds=[SeedMember(i + 1, proj.member(v), float(g), int(p))
               for i, (v, g, p) in enumerate(zip(chosen.seeds, chosen.gains, place,
                                                 strict=True))],
        root_id=root_id,
    )


def team_mask(snap: Snapshot, root_id: str, as_of: int) -> np.ndarray:
    """``root_id``'s team as of ``as_of`` as a mask over snapshot positions: the same
    members as ``downline.team_from`` (its slice, the as-of cut, joined by then),
    without turning a million positions into ids."""
    p, inside = team_slice(snap, root_id, as_of)
    mask = np.zeros(snap.members, dtype=bool)
    mask[p:p + len(inside)] = inside
    return mask


def _top(scores: np.ndarray, top: int) -> np.ndarray:
    """The ``top`` nodes by score, highest first; ties by node (= member id) order.

    A partition finds the cut score first, so a million scores are not all sorted.
    """
    if top < len(scores):
        cut = np.partition(scores, len(scores) - top)[len(scores) - top]
        candidates = np.flatnonzero(scores >= cut)
    else:
        candidates = np.arange(len(scores))
    return candidates[np.lexsort((candidates, -scores[candidates]))][:top]


def _gmv_rank(snap: Snapshot, who: np.ndarray, gmv: np.ndarray, positions: np.ndarray,
              shown: np.ndarray) -> list[int | None]:
    """Where each of ``positions`` (with GMV ``shown``) stands by attributed GMV among
    the promoters with any, highest first, ties by member id; None without GMV."""
    selling = who[gmv > 0]  # ascending positions
    amounts = gmv[gmv > 0]
    rank = id_rank(snap)
    place = np.empty(len(selling), dtype=np.int64)
    place[np.lexsort((rank[selling], -amounts))] = np.arange(1, len(selling) + 1)
    at = np.minimum(np.searchsorted(selling, positions), max(len(selling) - 1, 0))
    return [int(place[a]) if g > 0 else None for a, g in zip(at.tolist(), shown.tolist(),
                                                              strict=True)]


def _places(proj: Projection, nodes: Sequence[int]) -> list[int]:
    """Where global PageRank puts each of ``nodes`` (1 = top; ties by member id)."""
    scores, _ = pagerank(proj.trust_matrix())
    place = np.empty(proj.n, dtype=np.int64)
    place[np.argsort(-scores, kind="stable")] = np.arange(1, proj.n + 1)
    return [int(place[v]) for v in nodes]
