"""The influence question's inputs (``refnet query influence``, GraphQL ``influence``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from refnet.queries.params import MAX_TOP, WindowParams, param

from .cascade import CELF_MAX_NODES
from .pagerank import ALPHA

__all__ = ["METHODS", "InfluenceParams"]

METHODS: Final = ("imm", "celf")


@dataclass(frozen=True, kw_only=True)
class InfluenceParams(WindowParams):
    """Who moves buyers through trust: PageRank beside revenue, and optionally seeds."""

    question = "influence"

    top: int = param(20, "Members to list by PageRank.", low=1, high=MAX_TOP)
    personalize: tuple[str, ...] = param((), "Personalized PageRank from these members.",
                                         kind="member", metavar="MEMBER")
    alpha: float = param(ALPHA, "PageRank's damping factor.", low=0, high=1,
                         open_bounds=True)
    seeds: int = param(0, "Seed members to choose under the independent cascade model "
                          "(trust weight = probability); 0: the ranking only.", low=0,
                       high=MAX_TOP, metavar="K")
    method: str = param("imm", "How seeds are chosen.", enum="SeedMethod", choices={
        "imm": "IMM/OPIM-C: reverse-reachable sets with a certified (1 - 1/e - "
               "epsilon) guarantee (any size).",
        "celf": f"CELF greedy with Monte-Carlo (the reference; at most "
                f"{CELF_MAX_NODES:,} members)."}, graphql=("algorithm",))
    epsilon: float = param(0.5, "IMM's approximation slack: (1 - 1/e - epsilon), "
                                "certified with probability 1 - 1/n; smaller is slower.",
                           low=0, high=1, open_bounds=True)
    runs: int = param(1_000, "Monte-Carlo cascades for the spread's 95% interval (and "
                             "CELF's samples).", low=1, high=100_000)
    random_seed: int = param(0, "The same random seed gives the same seeds.", low=0,
                             high=2**31 - 1)
    root_id: str | None = param(None, "Only this member's downline: trust among its "
                                      "members and their revenue (an organizer's key: its "
                                      "own downline).", kind="member", metavar="MEMBER",
                                cli=("--root",))
