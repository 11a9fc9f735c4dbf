"""Who may make and open which case file: the one place the web app's 合规案卷 page and
GraphQL's ``makeCaseFile`` and ``caseFiles`` ask, so no front end decides on its own.

A key that sees everything (admin, compliance) makes and opens any organization's case
file; an organizer's key only those whose root is inside its downline, and another
team's is the same ``Forbidden`` as any member outside its scope (``api.scope``). Over
the network a policy is a preset by name: a path would have the server read its disk.
"""

from __future__ import annotations

from pathlib import Path

from refnet.queries.compliance import CaseFileParams, policy

from ..scope import Scope
from . import kept
from . import make as make_file

__all__ = ["find", "make", "visible"]


def make(scope: Scope, params: CaseFileParams, *, fmt: str, lang: str
         ) -> tuple[kept.Record, Path]:
    """Make ``params``' case file in the caller's name (``made_by`` is its key's id)."""
    policy.preset(params.policy)
    scope.check(params.root_id)
    config = scope.store.config
    return make_file(scope.store, params, fmt=fmt, data_dir=config.data_dir,
                     made_by=scope.key.id, zone=config.timezone, lang=lang,
                     confined=not scope.everything)


def visible(scope: Scope) -> list[kept.Record]:
    """The kept case files the caller may open, newest first."""
    return [r for r in kept.listing(scope.store.config.data_dir) if scope.allows(r.root)]


def find(scope: Scope, case_id: str) -> tuple[kept.Record, Path]:
    """One kept case file and where it is: ``NotFound`` when none has that id,
    ``Forbidden`` when it is about an organization outside the caller's scope."""
    record, path = kept.find(scope.store.config.data_dir, case_id)
    scope.check(record.root)
    return record, path
