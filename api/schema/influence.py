"""Influence over GraphQL: the ``influence`` field and its resolver, and the
``recomputeInfluence`` mutation that rebuilds the analytic snapshot it reads.

The field's arguments are generated from ``queries.influence.InfluenceParams`` and its
type from ``queries.influence.Influence`` (the ranking, and seeds when asked for).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import graphene

from refnet.queries import influence as influence_q
from refnet.queries import snapshot as snapshots

from ..answers import graphene_type, to_graph
from .context import Context
from .params import arguments, params_from
from .questions import team_root

__all__ = ["InfluenceMutations", "InfluenceQueries", "RecomputeInfluence"]


class InfluenceQueries(graphene.ObjectType):
    """The ``influence`` field: its arguments and its resolver, side by side."""

    influence = graphene.Field(
        graphene.NonNull(graphene_type(influence_q.Influence)),
        args=arguments(influence_q.InfluenceParams),
        description="Who moves buyers through trust.",
    )

    @staticmethod
    def resolve_influence(_root: Any, info: Any, **values: Any) -> Any:
        ctx: Context = info.context
        params = params_from(influence_q.InfluenceParams, info, values)
        params = dataclasses.replace(params, root_id=team_root(ctx, params.root_id))
        for member_id in params.personalize:
            ctx.scope.check(member_id)
        return to_graph(influence_q.ask(ctx.store, params))


class RecomputeInfluence(graphene.Mutation):
    """Rebuild the analytic snapshot of the current data version, so the next answers read
    the graph afresh (after a write that did not go through refnet load, and so made no
    new data version)."""

    class Arguments:
        pass

    data_version = graphene.String(required=True, description="The data version rebuilt.")
    dropped = graphene.Int(
        required=True, description="Always 0: no trust projection is cached any more.",
        deprecation_reason="The snapshot replaced the projection cache; read dataVersion.")

    @staticmethod
    def mutate(_root: Any, info: Any) -> RecomputeInfluence:
        ctx: Context = info.context
        ctx.scope.require("admin")
        snap = snapshots.current(ctx.store, ctx.store.config.data_dir, rebuild=True)
        return RecomputeInfluence(data_version=snap.version, dropped=0)


class InfluenceMutations(graphene.ObjectType):
    """The mutation that belongs to influence."""

    recompute_influence = RecomputeInfluence.Field(
        description="Rebuild the analytic snapshot of the current data version.")
