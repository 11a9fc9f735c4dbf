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
