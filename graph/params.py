"""The one rule for what a query's parameters may hold, on every backend.

FalkorDB cannot keep some values (below); Neo4j keeps them all, but refnet holds both
backends to one rule, so data loaded through either is the same data, and a value
one backend refuses the other refuses too (``graph/text.py``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from . import errors
from .text import NEVER_SENT, NEVER_WRITTEN, control_character

__all__ = ["check_params"]

# FalkorDB 4.16.3 traps, each pinned by a test in tests/integration/test_store.py:
# - U+0000 cannot travel in the client's text parameter header;
# - the server segfaults (EnforceUniqueEntity) when a property under a uniqueness
#   constraint is written as an empty string, a string with leading or trailing ASCII
#   whitespace, or a string containing U+0001 (which also breaks index lookups).
# Reads are safe, so only writes are held to the stricter rule. refnet's loaders trim
# every cell and send null for an empty one, so real data never trips it.
_ASCII_SPACE = " \t\n\r\v\f"


def check_params(params: dict[str, Any], *, write: bool) -> dict[str, Any]:
    """Refuse values a store cannot keep faithfully, naming the parameter; returns them."""
    for key, value in params.items():
        problem = _problem(value, write)
        if problem:
            raise errors.BadQuery(f"parameter {key!r}: {problem}")
    return params


def _problem(value: Any, write: bool) -> str | None:
    if type(value) is list:  # the usual write: $rows, a list of lists of plain values
        for item in value:
            kind = type(item)
            if kind is list or kind is dict:
                for v in (item if kind is list else item.values()):
                    kind = type(v)
                    if kind is str:
                        # the cheap test for a clean text (it finds what graph.text's
                        # NEVER_WRITTEN and NEVER_SENT name); anything else gets the full one
                        if (write and (not v or v[0] in _ASCII_SPACE or v[-1] in _ASCII_SPACE
                                       or "\x01" in v)) or "\x00" in v:
                            problem = _value_problem(v, write)
                            if problem:
                                return problem
                    elif kind is not int and v is not None and kind is not bool:
                        problem = _value_problem(v, write)
                        if problem:
                            return problem
            else:
                problem = _value_problem(item, write)
                if problem:
                    return problem
        return None
    return _value_problem(value, write)


def _value_problem(value: Any, write: bool) -> str | None:
    if isinstance(value, str):
        char = control_character(value, NEVER_WRITTEN if write else NEVER_SENT)
        if char is not None:
            return f"text contains the control character U+{ord(char):04X}"
        if write and (not value or value != value.strip(_ASCII_SPACE)):
            return "text written to the store must be non-empty and trimmed (use null)"
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else "not a finite number"
    if isinstance(value, Mapping):
        return next(filter(None, (_problem(v, write) for v in value.values())), None)
    if isinstance(value, list | tuple):
        return next(filter(None, (_problem(v, write) for v in value)), None)
    return None
