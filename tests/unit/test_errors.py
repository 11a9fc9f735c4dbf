"""The error tree is the one table from error to public API code."""

from __future__ import annotations

import re

import pytest

from refnet.api.errors import CODES, api_code
from refnet.graph import errors

CLASSES = [getattr(errors, name) for name in errors.__all__]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_each_error_class_names_a_public_code(cls: type[errors.RefnetError]) -> None:
    assert cls.api_code in CODES
    assert api_code(cls("x")) == cls.api_code


def test_anything_else_is_internal() -> None:
    assert api_code(ZeroDivisionError("a bug")) == "INTERNAL"
    assert api_code(KeyError("x")) == "INTERNAL"


def test_the_drawn_tree_shows_each_class_with_its_code() -> None:
    """The docstring's tree is what a reader trusts; it must say what the classes say."""
    drawn = {}
    for line in (errors.__doc__ or "").splitlines():
        found = re.match(r"\s*(?:[│ ]*[├└]── )?([A-Z]\w+)\s.*\s([A-Z_]+)$", line)
        if found and found.group(1) != "API":
            drawn[found.group(1)] = found.group(2)
    assert drawn == {cls.__name__: cls.api_code for cls in CLASSES}


@pytest.mark.parametrize(("raised", "becomes", "retryable"), [
    ("IncompleteCommit", errors.IncompleteCommit, True),
    ("ServiceUnavailable", errors.StoreUnavailable, True),
    ("SessionExpired", errors.StoreUnavailable, True),
    ("TransientError", errors.StoreUnavailable, True),
    ("AuthError", errors.StoreUnavailable, False),
    ("ConstraintError", errors.ConstraintViolation, False),
])
def test_the_neo4j_drivers_errors_join_refnets_tree(
        raised: str, becomes: type[errors.RefnetError], retryable: bool) -> None:
    """The driver's own exceptions, as it raises them: an unknown commit outcome stays
    retryable (every refnet write is idempotent); a refused sign-in does not."""
    import neo4j.exceptions as nx

    from refnet.graph.neo4j_store import _translate

    error = _translate(getattr(nx, raised)("the connection was lost"), "load/members", 1000,
                       "Neo4j at neo4j://db:7687")
    assert type(error) is becomes and error.retryable is retryable
    assert "load/members" in str(error) or "db:7687" in str(error)
