"""Downline health over GraphQL: the ``downline`` field and its resolver.

Its arguments are generated from ``queries.downline.DownlineParams`` and its answer's
type from ``queries.downline.DownlineHealth`` (``api.answers``); the resolver checks
the root against the caller's scope and asks ``queries.downline.ask``.
"""

from __future__ import annotations

from typing import Any

import graphene

from refnet.queries import downline as downline_q

from ..answers import graphene_type, to_graph
from .context import Context
from .params import arguments, params_from

__all__ = ["DownlineQueries"]


class DownlineQueries(graphene.ObjectType):
    """The ``downline`` field: its arguments and its resolver, side by side."""

    downline = graphene.Field(
        graphene.NonNull(graphene_type(downline_q.DownlineHealth)),
        args=arguments(downline_q.DownlineParams),
        description="Downline health: levels, branches, activity, churn, concentration.",
    )

    @staticmethod
    def resolve_downline(_root: Any, info: Any, **values: Any) -> Any:
        ctx: Context = info.context
        params = params_from(downline_q.DownlineParams, info, values)
        ctx.scope.check(params.root_id)
        return to_graph(downline_q.ask(ctx.store, params))
