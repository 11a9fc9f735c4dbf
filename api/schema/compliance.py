"""Compliance over GraphQL: the ``compliance`` field and its resolver.

API callers choose a policy preset by name, never a file (a path would read the
server's disk); the answer's type is derived from
``queries.compliance.ComplianceReport``.
"""

from __future__ import annotations

from typing import Any

import graphene

from refnet.graph.errors import BadInput
from refnet.queries import compliance as compliance_q
from refnet.queries.compliance import policy as policy_q

from ..answers import graphene_type, to_graph
from .context import Context
from .questions import team_root, window

__all__ = ["ComplianceQueries"]


class ComplianceQueries(graphene.ObjectType):
    """The ``compliance`` field: its arguments and its resolver, side by side."""

    compliance = graphene.Field(
        graphene.NonNull(graphene_type(compliance_q.ComplianceReport)),
        policy=graphene.String(default_value="cn", description="A preset: cn or us-ftc."),
        root_id=graphene.ID(description="Only this member's downline (an organizer's key: "
                                        "its own member by default)."),
        as_of=graphene.String(description="Ignore everything after this."),
        days=graphene.Int(default_value=365, description="The window's length in days."),
        evidence=graphene.Int(default_value=5, description="Evidence chains per flag."),
        description="Pyramid-scheme signals judged by a policy, with evidence.",
    )

    @staticmethod
    def resolve_compliance(_root: Any, info: Any, policy: str = "cn",
                           root_id: str | None = None, as_of: str | None = None,
                           days: int = 365, evidence: int = 5) -> Any:
        ctx: Context = info.context
        root_id = team_root(ctx, root_id)
        if policy not in _policies():
            raise BadInput(f"unknown policy {policy!r}; presets: {', '.join(_policies())}")
        return to_graph(compliance_q.report(ctx.store, _policy(policy), window(ctx, as_of, days),
                                            root_id=root_id, evidence_limit=evidence))


def _policies() -> list[str]:
    return policy_q.presets()


def _policy(name: str) -> policy_q.Policy:
    """API callers choose a preset; a file path would read the server's disk."""
    return policy_q.load(name)
