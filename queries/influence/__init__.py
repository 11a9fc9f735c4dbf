"""Influence: who actually moves buyers through trust.

Two questions over the trust network as of the window's end (``projection``):

* ``rank`` — PageRank (or personalized PageRank from seed members) on ``TRUSTS``
  edges weighted by trust, each member beside the revenue they bring: attributed GMV
  in the window, the buyers it reached, and what those buyers bought in total. Seeing
  influence and revenue side by side is the point ("coverage or conversion?").
* ``seeds`` — influence maximisation: k members who, seeded, reach the most others
  under the independent cascade model, by IMM (the default, for real networks) or by
  CELF greedy with Monte-Carlo simulation (the reference, small networks only), with
  marginal gains and the expected spread's 95% confidence interval (``cascade``).

Direction. ``(a)-[:TRUSTS {weight}]->(b)`` means *a trusts b*. Rank flows to the
trusted: the PageRank edge is a -> b, so a member many people trust ranks high.
Influence flows the other way: b can move a to buy, with probability ``weight``, so
a cascade runs on the reversed edges b -> a.

PageRank is our own power iteration on the sparse matrix, step for step the one
``networkx.pagerank`` runs (weighted out-degree normalisation, dangling members'
rank redistributed by the personalization vector, convergence when the L1 change is
below ``n * tol``), so the two agree to rounding on the same graph and parameters.

Attributed GMV counts paid and settled purchases attributed to the member
(``ATTRIBUTED_TO``) in the window; ``buyers`` is the distinct member buyers,
``outside_orders`` the orders with no buyer; ``reached_gmv`` is everything those
member buyers bought in the window through anyone (a buyer a promoter reached is
worth what they spend, not only what they spent through that promoter). A promoter
buying through their own link counts as a buyer they reached.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy import stats

from refnet.graph.errors import BadInput
from refnet.graph.store import GraphStore

from .. import downline
from ..window import Window
from . import cascade, projection

__all__ = [
    "METHODS", "InfluenceRanking", "InfluenceSeeds", "RankedMember", "SeedMember",
    "pagerank", "rank", "seeds",
]

METHODS = ("imm", "celf")
ALPHA = 0.85
TOL = 1e-10  # stop when the L1 change is below n * tol (networkx: 1e-6, ~8 steps at 20k)
MAX_ITER = 1_000
MAX_TOP = 10_000


@dataclass(frozen=True)
class RankedMember:
    """One member by PageRank, with the revenue they bring in the window (minor units)."""

    rank: int  # 1 = most influential
    member: str
    pagerank: float
    trusted_by: int  # members who trust this one (in-degree)
    trust_in: float  # the sum of those trust weights
    orders: int  # paid/settled purchases attributed in the window
    gmv: int
    commission: int
    buyers: int  # distinct member buyers of those orders
    outside_orders: int  # of those orders, how many had no (member) buyer
    reached_gmv: int  # everything those buyers bought in the window, through anyone
    gmv_rank: int | None  # position by attributed GMV among members with any; None if none


@dataclass(frozen=True)
class InfluenceRanking:
    """Members by trust-weighted PageRank beside attributed GMV: influence vs. revenue."""

    window: dict[str, Any]
    members: int
    trust_edges: int
    alpha: float
    personalized: list[str]  # the seed members of personalized PageRank; empty = global
    iterations: int
    total_gmv: int  # all attributed GMV in the window
    promoters: int  # members with attributed GMV in the window
    top_gmv: int  # attributed GMV of the members listed
    top_gmv_share: float | None  # top_gmv / total_gmv
    spearman: float | None  # rank correlation of PageRank and attributed GMV, all members
    rows: list[RankedMember] = field(default_factory=list)
    root_id: str | None = None  # the team (this member's downline) it covers; None: all


@dataclass(frozen=True)
class SeedMember:
    """One chosen seed: the members it adds to the expected spread, in choice order."""

    position: int
    member: str
    marginal_gain: float
    pagerank_rank: int  # where PageRank puts the member (1 = top)


@dataclass(frozen=True)
class InfluenceSeeds:
    """k seed members under the independent cascade model, with the spread they reach."""

    window: dict[str, Any]
    members: int
    trust_edges: int
    method: str
    k: int
    seed: int  # the random seed: the same seed gives the same answer
    spread: float  # expected members reached (seeds included), by fresh Monte-Carlo runs
    ci_low: float  # 95% confidence interval of that mean
    ci_high: float
    runs: int
    estimate: float  # the method's own estimate of the spread
    epsilon: float | None  # IMM: the approximation slack
    rr_sets: int | None  # IMM: reverse-reachable sets the seeds were chosen on
    lower_bound: float | None  # IMM: the lower bound on the best spread it found
    seeds: list[SeedMember] = field(default_factory=list)
    root_id: str | None = None  # the team (this member's downline) it covers; None: all


# --- PageRank -------------------------------------------------------------------------


def pagerank(matrix: sp.spmatrix | sp.sparray, *, alpha: float = ALPHA,
             personalization: np.ndarray | None = None, tol: float = TOL,
             max_iter: int = MAX_ITER) -> tuple[np.ndarray, int]:
    """Weighted PageRank of a square matrix (``A[i, j]`` = weight of the edge i -> j).

    Returns the scores (summing to 1) and the iterations taken. ``personalization`` is
    a non-negative vector (normalised here); dangling nodes (no out-weight) hand
    their rank out by it, as networkx does. Raises BadInput if it does not converge.
    """
    a = sp.csr_array(matrix, dtype=float)
    n = a.shape[0]
    if a.shape != (n, n):
        raise BadInput(f"PageRank needs a square matrix, got shape {a.shape}")
    if not 0 < alpha < 1:
        raise BadInput(f"alpha must be between 0 and 1 (exclusive), got {alpha}")
    if n == 0:
        return np.zeros(0), 0
    out = np.asarray(a.sum(axis=1)).ravel()
    inv = np.zeros(n)
    inv[out != 0] = 1.0 / out[out != 0]
    q = (sp.dia_array((inv[None, :], [0]), shape=(n, n)) @ a).tocsr()
    if personalization is None:
        p = np.full(n, 1.0 / n)
    else:
        p = np.asarray(personalization, dtype=float)
        if p.shape != (n,) or (p < 0).any() or p.sum() <= 0:
            raise BadInput("personalization must be n non-negative weights, not all zero")
        p = p / p.sum()
    dangling = np.flatnonzero(out == 0)
    x = np.full(n, 1.0 / n)
    for iteration in range(1, max_iter + 1):
        last = x
        x = alpha * (x @ q + x[dangling].sum() * p) + (1 - alpha) * p
        if np.absolute(x - last).sum() < n * tol:
            return x, iteration
    raise BadInput(f"PageRank did not converge in {max_iter} iterations "
                   f"(tolerance {tol}); raise max_iter or tol")


# --- the questions --------------------------------------------------------------------


def rank(store: GraphStore, window: Window, *, top: int = 20,
         personalize: Sequence[str] | None = None, alpha: float = ALPHA,
         root_id: str | None = None) -> InfluenceRanking:
    """The ``top`` members by (personalized) PageRank, with their revenue in the window.

    With ``root_id``, one team's answer: PageRank over the trust among ``root_id``'s
    downline only, and the revenue its members bring through it (see ``_team``).
    """
    if not 1 <= top <= MAX_TOP:
        raise BadInput(f"top must be between 1 and {MAX_TOP:,}, got {top}")
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
        spearman=_spearman(scores, gmv), rows=rows, root_id=root_id,
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
    team = downline.team(store, root_id)
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


def _spearman(scores: np.ndarray, gmv: np.ndarray) -> float | None:
    """Spearman's rho of PageRank and GMV over all members; None when either is constant."""
    if len(scores) < 2 or np.ptp(scores) == 0 or np.ptp(gmv) == 0:
        return None
    rho = stats.spearmanr(scores, gmv).statistic
    return float(rho) if math.isfinite(rho) else None
