"""Downline health over GraphQL: the ``downline`` field and its resolver.

The answer's type is derived from ``queries.downline.DownlineHealth``
(``api.answers``); the resolver checks the root against the caller's scope and asks
``queries.downline.health``.
"""

from __future__ import annotations

from typing import Any

import graphene

from refnet.queries import downline as downline_q

from ..answers import graphene_type, to_graph
from .context import Context
from .questions import window

__all__ = ["DownlineQueries"]


class DownlineQueries(graphene.ObjectType):
    """The ``downline`` field: its arguments and its resolver, side by side."""

    downline = graphene.Field(
        graphene.NonNull(graphene_type(downline_q.DownlineHealth)),
        root_id=graphene.ID(required=True, description="The member whose downline to judge."),
        max_depth=graphene.Int(description="Levels below the root to include (1..100)."),
        as_of=graphene.String(description="Ignore everything after this (ISO-8601 or a "
                                          "date); default: the latest event stored."),
        active_days=graphene.Int(default_value=30, description="The activity window's "
                                                               "length in days."),
        top=graphene.Int(default_value=10, description="Branches to list."),
        description="Downline health: levels, branches, activity, churn, concentration.",
    )

    @staticmethod
    def resolve_downline(_root: Any, info: Any, root_id: str, max_depth: int | None = None,
                         as_of: str | None = None, active_days: int = 30,
                         top: int = 10) -> Any:
        ctx: Context = info.context
        ctx.scope.check(root_id)
        return to_graph(downline_q.health(ctx.store, root_id, window(ctx, as_of, active_days),
                                        max_depth=max_depth, top=top))
