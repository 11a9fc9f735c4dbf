"""A question's ``Params`` from a submitted form, as the command line and GraphQL build
theirs (``api.cli.params``, ``api.schema.params``): one input per field, named like it.

An empty input means the field's default; a number's text is read as one (the bounds are
``Params``' own check); a bare date is the organization's day, as on the command line.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

from refnet.graph.errors import BadInput
from refnet.graph.text import shown
from refnet.queries.params import Params, unwrap

from ..cli.params import in_zone

__all__ = ["from_form"]

P = typing.TypeVar("P", bound=Params)


def from_form(cls: type[P], form: Mapping[str, str], zone: str) -> P:
    """The ``cls`` the form's inputs name; ``BadInput`` naming the field when one is not
    what it should be."""
    values: dict[str, Any] = {}
    for f, hint in cls.fields():
        text = (form.get(f.name) or "").strip()
        if not text:
            continue
        base, _ = unwrap(hint)
        if base in (int, float):
            try:
                values[f.name] = base(text)
            except ValueError:
                kind = "a whole number" if base is int else "a number"
                raise BadInput(f"{f.name} must be {kind}, got {shown(text)}") from None
        elif base is str:
            values[f.name] = text
        else:
            raise BadInput(f"{f.name} cannot be asked on a form")
    return cls.from_kwargs(in_zone(cls, values, zone))
