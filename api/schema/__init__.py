"""The GraphQL schema (graphene 3), composed from one module per domain.

Each domain keeps its types, fields and resolvers together (as saleor does), so a
change to one question touches one module:

* ``members`` — ``me``, ``member``, ``members`` and the types a member leads to;
* ``downline``, ``compliance``, ``influence``, ``conversion`` — one question each, its
  field beside its resolver (``influence`` also holds ``recomputeInfluence``);
* ``loads`` — ``loadRun``, ``loadRuns`` and ``startLoad``;
* ``casefiles`` — ``makeCaseFile`` and ``caseFiles``, the compliance case file;
* ``context`` (what resolvers get as ``info.context``), ``paging`` (cursors and
  connections), ``questions`` (the team every question checks) and ``params`` (a
  question's arguments, generated from its ``Params``).

Resolvers are thin: they check the caller's scope (``info.context.scope``), run named
queries through the store and shape rows into types. Money is a ``Money`` object (a
decimal string in yuan beside the integer minor units); times are ISO-8601 strings
with their offset. Lists are Relay connections whose ``first`` is required and capped
by ``api.limits``. The SDL is committed as ``api/schema.graphql``.
"""

from __future__ import annotations

import graphene

from .casefiles import CaseFileMutations, CaseFileQueries
from .compliance import ComplianceQueries
from .conversion import ConversionQueries
from .downline import DownlineQueries
from .influence import InfluenceMutations, InfluenceQueries
from .loads import LoadMutations, LoadQueries
from .members import MemberQueries

__all__ = ["Mutation", "Query", "schema"]

# graphene collects a root's fields from its bases last-listed first (it walks the MRO
# backwards), so the bases are listed in reverse of the order the SDL shows the fields.


class Query(CaseFileQueries, LoadQueries, ConversionQueries, InfluenceQueries,
            ComplianceQueries, DownlineQueries, MemberQueries):
    """refnet's questions over the referral network."""


class Mutation(CaseFileMutations, LoadMutations, InfluenceMutations):
    """Changes, over POST only: loads and snapshot rebuilds (admin keys), case files (any
    key, inside its scope)."""


schema = graphene.Schema(query=Query, mutation=Mutation, auto_camelcase=True)
