"""Influence read from the store: the trust projection, PageRank, revenue, seeds."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from refnet.graph.errors import BadInput
from refnet.graph.store import GraphStore
from refnet.queries import downline
from refnet.queries.params import MAX_TOP
from refnet.queries.stats import spearman
from refnet.queries.window import Window, latest_event

from . import cascade, projection
from .pagerank import ALPHA, pagerank
from .params import METHODS, InfluenceParams
from .results import Influence, InfluenceRanking, InfluenceSeeds, RankedMember, SeedMember

__all__ = ["ask", "rank", "seeds"]


def ask(store: GraphStore, params: InfluenceParams,
        latest: Callable[[GraphStore], int | None] = latest_event) -> Influence:
    """The influence question as every front end asks it: the ranking, and the seeds
    when ``params.seeds`` > 0."""
    w = params.window(store, latest)
    ranking = rank(store, w, top=params.top, personalize=params.personalize,
                   alpha=params.alpha, root_id=params.root_id)
    chosen = None
    if params.seeds:
        chosen = seeds(store, w, k=params.seeds, method=params.method,
                       epsilon=params.epsilon, runs=params.runs, seed=params.random_seed,
                       root_id=params.root_id)
    return Influence(ranking=ranking, seeds=chosen)


def rank(store: GraphStore, window: Window, *, top: int = 20,
         personalize: Sequence[str] | None = None, alpha: float = ALPHA,
         root_id: str | None = None) -> InfluenceRanking:
    """The ``top`` members by (personalized) PageRank, with their revenue in the window.

    With ``root_id``, one team's answer: PageRank over the trust among ``root_id``'s
    downline only, and the revenue its members bring through it (see ``_team``).
    """
    if not 1 <= top <= MAX_TOP:
        raise BadInput(f"top must be from 1 to {MAX_TOP:,}, got {top}")
    proj, team = _projection(store, window, root_id)
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
    revenue = _revenue(store, window, team)
    gmv = np.array([revenue.get(member, {}).get("gmv", 0) for member in proj.ids], float)
    order = _ranked(scores, proj.ids)
    shown = order[:top]
    trusted_by = np.bincount(proj.dst, minlength=proj.n)
    trust_in = np.bincount(proj.dst, weights=proj.weight, minlength=proj.n)
    by_gmv = sorted((m for m, r in revenue.items() if r["gmv"] > 0),
                    key=lambda m: (-revenue[m]["gmv"], m))
    gmv_rank = {m: i + 1 for i, m in enumerate(by_gmv)}
    rows = []
    for position, i in enumerate(shown, start=1):
        member = proj.ids[i]
        r = revenue.get(member, {})
        rows.append(RankedMember(
            position, member, float(scores[i]), int(trusted_by[i]), float(trust_in[i]),
            int(r.get("orders", 0)), int(r.get("gmv", 0)), int(r.get("commission", 0)),
            int(r.get("buyers", 0)), int(r.get("outside_orders", 0)),
            int(r.get("reached_gmv", 0)), gmv_rank.get(member),
        ))
    total = sum(int(r["gmv"]) for r in revenue.values())
    top_gmv = sum(row.gmv for row in rows)
    return InfluenceRanking(
        window=window.describe(), members=proj.n, trust_edges=proj.m, alpha=alpha,
        personalized=personal, iterations=iterations, total_gmv=total,
        promoters=len(by_gmv), top_gmv=top_gmv,
        top_gmv_share=top_gmv / total if total else None,
        spearman=spearman(scores, gmv), rows=rows, root_id=root_id,
    )


def seeds(store: GraphStore, window: Window, *, k: int = 10, method: str = "imm",
          epsilon: float = 0.5, runs: int = 1_000, seed: int = 0,
          root_id: str | None = None) -> InfluenceSeeds:
    """k seed members maximising the expected cascade on reversed, weighted trust edges.

    ``method`` is ``imm`` (any size) or ``celf`` (at most ``cascade.CELF_MAX_NODES``
    members); ``runs`` Monte-Carlo cascades estimate the spread (and CELF's gains).
    With ``root_id``, seeds within that downline, spreading over trust inside it.
    """
    if method not in METHODS:
        raise BadInput(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if not 1 <= runs <= 100_000:
        raise BadInput(f"runs must be between 1 and 100,000, got {runs}")
    proj, _ = _projection(store, window, root_id)
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
    scores, _ = pagerank(proj.trust_matrix())
    place = np.empty(proj.n, np.int64)
    place[_ranked(scores, proj.ids)] = np.arange(1, proj.n + 1)
    return InfluenceSeeds(
        window=window.describe(), members=proj.n, trust_edges=proj.m, method=method, k=k,
        seed=seed, spread=chosen.spread, ci_low=chosen.ci_low, ci_high=chosen.ci_high,
        runs=chosen.runs, estimate=chosen.estimate, epsilon=chosen.epsilon,
        rr_sets=chosen.rr_sets, lower_bound=chosen.lower_bound,
        seeds=[SeedMember(i + 1, proj.ids[v], float(g), int(place[v]))
               for i, (v, g) in enumerate(zip(chosen.seeds, chosen.gains, strict=True))],
        root_id=root_id,
    )


def _projection(store: GraphStore, window: Window,
                root_id: str | None) -> tuple[projection.Projection, list[str] | None]:
    """The trust projection as of the window's end, cut to one team when asked.

    A team's answer sees only the trust among its members (an outsider's trust neither
    raises nor passes on anyone's rank) and the revenue of its members' orders.
    """
    proj = projection.project(store, window.as_of)
    if root_id is None:
        return proj, None
    team = downline.team(store, root_id, window.as_of)
    return proj.restrict(team), team


def _ranked(scores: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    """Indices by score, highest first; ties by member id (ids are sorted, so by index)."""
    return np.lexsort((np.arange(len(ids)), -scores))


def _revenue(store: GraphStore, window: Window,
             team: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Per promoter: orders, gmv, commission, buyers, outside_orders, reached_gmv.

    For a team, its members' orders only, and ``reached_gmv`` counts what their buyers
    bought through the team's members (spending through other teams is theirs).
    """
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
