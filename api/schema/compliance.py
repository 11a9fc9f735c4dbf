"""Compliance over GraphQL: the ``compliance`` field and its resolver.

Its arguments are generated from ``queries.compliance.ComplianceParams``; API callers
choose a policy preset by name, never a file (a path would read the server's disk).
The answer's type is derived from ``queries.compliance.ComplianceReport``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import graphene

from refnet.queries import compliance as compliance_q
from refnet.queries.compliance import policy as policy_q

from ..answers import graphene_type, to_graph
from .context import Context
from .params import arguments, params_from
from .questions import team_root

__all__ = ["ComplianceQueries"]


class ComplianceQueries(graphene.ObjectType):
    """The ``compliance`` field: its arguments and its resolver, side by side."""

    compliance = graphene.Field(
        graphene.NonNull(graphene_type(compliance_q.ComplianceReport)),
        args=arguments(compliance_q.ComplianceParams),
        description="Pyramid-scheme signals judged by a policy, with evidence.",
    )

    @staticmethod
    def resolve_compliance(_root: Any, info: Any, **values: Any) -> Any:
        ctx: Context = info.context
        params = params_from(compliance_q.ComplianceParams, info, values)
        policy_q.preset(params.policy)
        params = dataclasses.replace(params, root_id=team_root(ctx, params.root_id))
        return to_graph(compliance_q.ask(ctx.store, params,
                                         confined=not ctx.scope.everything))
