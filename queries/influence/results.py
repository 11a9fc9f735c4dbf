"""The influence question's answers: a PageRank ranking beside revenue, and seeds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Influence", "InfluenceRanking", "InfluenceSeeds", "RankedMember", "SeedMember"]


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
    lower_bound: float | None  # IMM: a lower bound on the seeds' spread (so on the best)
    seeds: list[SeedMember] = field(default_factory=list)
    root_id: str | None = None  # the team (this member's downline) it covers; None: all
    upper_bound: float | None = None  # IMM: an upper bound on the best spread of k seeds
    approximation: float | None = None  # IMM: certified spread / best spread (lower / upper)


@dataclass(frozen=True)
class Influence:
    """Who moves buyers through trust: the ranking, and seeds when asked for."""

    ranking: InfluenceRanking  # members by trust-weighted PageRank beside attributed GMV
    seeds: InfluenceSeeds | None  # seeds under the independent cascade; None unless asked
    data_version: str | None = None  # the data version (the snapshot) answered from
