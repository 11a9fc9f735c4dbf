"""Influence over GraphQL: the ``influence`` field and its resolver, and the
``recomputeInfluence`` mutation that drops the cached trust projections it reads.
"""

from __future__ import annotations

from typing import Any

import graphene

from refnet.queries import influence as influence_q
from refnet.queries import window as windows
from refnet.queries.influence import projection

from ..answers import graphene_type, to_graph
from .context import Context
from .paging import enum_value
from .questions import team_root, window

__all__ = ["Influence", "InfluenceMutations", "InfluenceQueries", "RecomputeInfluence",
           "SeedMethod"]


class SeedMethod(graphene.Enum):
    """How influence maximisation chooses seeds."""

    IMM = "imm"
    CELF = "celf"

    @property
    def description(self) -> str:
        return {"imm": "Reverse-reachable sets with the IMM bound (any size).",
                "celf": "CELF greedy with Monte-Carlo (the reference; small networks)."}[
            self.value]


class Influence(graphene.ObjectType):
    """Who moves buyers through trust: the ranking, and seeds when asked for."""

    ranking = graphene.Field(graphene.NonNull(graphene_type(influence_q.InfluenceRanking)),
                             description="Members by trust-weighted PageRank beside their "
                                         "attributed GMV.")
    seeds = graphene.Field(graphene_type(influence_q.InfluenceSeeds),
                           description="The seeds chosen under the independent cascade "
                                       "model; null unless seeds > 0 was asked.")


class InfluenceQueries(graphene.ObjectType):
    """The ``influence`` field: its arguments and its resolver, side by side."""

    influence = graphene.Field(
        graphene.NonNull(Influence),
        top=graphene.Int(default_value=20, description="Members to rank."),
        personalize=graphene.List(graphene.NonNull(graphene.ID),
                                  description="Personalized PageRank from these members."),
        seeds=graphene.Int(default_value=0, description="Seeds to choose (0: none)."),
        algorithm=graphene.Argument(SeedMethod, default_value="imm",
                                    description="How seeds are chosen."),
        as_of=graphene.String(description="Ignore everything after this."),
        days=graphene.Int(default_value=30, description="The GMV window's length in days."),
        root_id=graphene.ID(description="Only this member's downline: trust among its "
                                        "members and their revenue (an organizer's key: "
                                        "its own member by default)."),
        description="Who moves buyers through trust.",
    )

    @staticmethod
    def resolve_influence(_root: Any, info: Any, top: int = 20,
                          personalize: list[str] | None = None, seeds: int = 0,
                          algorithm: str = "imm", as_of: str | None = None,
                          days: int = 30, root_id: str | None = None) -> Influence:
        ctx: Context = info.context
        root_id = team_root(ctx, root_id)
        for member_id in personalize or ():
            ctx.scope.check(member_id)
        w = window(ctx, as_of, days)
        ranking = influence_q.rank(ctx.store, w, top=top, personalize=personalize or None,
                                   root_id=root_id)
        chosen = (influence_q.seeds(ctx.store, w, k=seeds, method=enum_value(algorithm),
                                    runs=200, root_id=root_id)
                  if seeds else None)
        return Influence(ranking=to_graph(ranking),
                         seeds=to_graph(chosen) if chosen is not None else None)


class RecomputeInfluence(graphene.Mutation):
    """Drop the cached trust projections and the remembered latest event, so the next
    answers read the graph afresh (after a write that did not go through refnet load)."""

    class Arguments:
        pass

    dropped = graphene.Int(required=True, description="Cached projections dropped.")

    @staticmethod
    def mutate(_root: Any, info: Any) -> RecomputeInfluence:
        ctx: Context = info.context
        ctx.scope.require("admin")
        windows.forget_latest()
        return RecomputeInfluence(dropped=projection.invalidate(ctx.store))


class InfluenceMutations(graphene.ObjectType):
    """The mutation that belongs to influence."""

    recompute_influence = RecomputeInfluence.Field(
        description="Drop the cached trust projections.")
