"""Conversion over GraphQL: the ``conversion`` field and its resolver.

The answer's type is derived from ``queries.conversion.ConversionReport``.
"""

from __future__ import annotations

from typing import Any

import graphene

from refnet.queries import conversion as conversion_q

from ..answers import graphene_type, to_graph
from .context import Context
from .paging import enum_value
from .questions import team_root, window

__all__ = ["ConversionQueries", "ConversionSplit"]


class ConversionSplit(graphene.Enum):
    """What a conversion funnel is split by."""

    TRUST = "trust"
    LEVEL = "level"
    CHANNEL = "channel"
    PROMOTER = "promoter"

    @property
    def description(self) -> str:
        return {"trust": "The clicker's trust in the promoter at the click.",
                "level": "The promoter's depth in its referral tree.",
                "channel": "The share's channel.",
                "promoter": "The promoter (the top N by GMV)."}[self.value]


class ConversionQueries(graphene.ObjectType):
    """The ``conversion`` field: its arguments and its resolver, side by side."""

    conversion = graphene.Field(
        graphene.NonNull(graphene_type(conversion_q.ConversionReport)),
        promoter_id=graphene.ID(description="Only this promoter's shares."),
        since=graphene.String(description="The window's start; default: 90 days before "
                                          "until."),
        until=graphene.String(description="The window's end ('as of'); default: the latest "
                                          "event stored."),
        group_by=graphene.Argument(ConversionSplit, default_value="trust",
                                   description="What the funnel is split by."),
        top=graphene.Int(default_value=20, description="Promoters to list."),
        root_id=graphene.ID(description="Only the shares of this member's downline, and the "
                                        "clicks and purchases through them (an organizer's "
                                        "key: its own member by default)."),
        description="Shares → clicks → purchases.",
    )

    @staticmethod
    def resolve_conversion(_root: Any, info: Any, promoter_id: str | None = None,
                           since: str | None = None, until: str | None = None,
                           group_by: str = "trust", top: int = 20,
                           root_id: str | None = None) -> Any:
        ctx: Context = info.context
        root_id = team_root(ctx, root_id)
        if promoter_id is not None:
            ctx.scope.check(promoter_id)
        return to_graph(conversion_q.funnel(ctx.store, window(ctx, until, 90, since),
                                          promoter_id=promoter_id,
                                          group_by=enum_value(group_by), top=top,
                                          root_id=root_id))
