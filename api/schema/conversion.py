"""Conversion over GraphQL: the ``conversion`` field and its resolver.

Its arguments are generated from ``queries.conversion.ConversionParams`` and its
answer's type from ``queries.conversion.ConversionReport``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import graphene

from refnet.queries import conversion as conversion_q

from ..answers import graphene_type, to_graph
from .context import Context
from .params import arguments, params_from
from .questions import team_root

__all__ = ["ConversionQueries"]


class ConversionQueries(graphene.ObjectType):
    """The ``conversion`` field: its arguments and its resolver, side by side."""

    conversion = graphene.Field(
        graphene.NonNull(graphene_type(conversion_q.ConversionReport)),
        args=arguments(conversion_q.ConversionParams),
        description="Shares → clicks → purchases.",
    )

    @staticmethod
    def resolve_conversion(_root: Any, info: Any, **values: Any) -> Any:
        ctx: Context = info.context
        params = params_from(conversion_q.ConversionParams, info, values)
        params = dataclasses.replace(params, root_id=team_root(ctx, params.root_id))
        if params.promoter_id is not None:
            ctx.scope.check(params.promoter_id)
        return to_graph(conversion_q.ask(ctx.store, params))
