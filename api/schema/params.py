"""GraphQL arguments generated from a question's ``Params`` (``refnet.queries.params``).

Every ``Params`` field is an argument of the question's field, with the same name (in
camelCase), default and bounds (stated in its description; ``Params`` itself enforces
them), so the API cannot drift from the command line. A field with ``choices`` is an
enum; a ``member`` field an ``ID``. Older spellings (``Spec.graphql``) stay for one
release as deprecated arguments that fill the same field.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any

import graphene

from refnet.queries.params import Params, Spec, describe_bounds, spec_of, unwrap

__all__ = ["arguments", "camel", "enum_type", "params_from", "snake"]


def arguments(cls: type[Params]) -> dict[str, graphene.Argument]:
    """The arguments of ``cls``'s GraphQL field, keyed by their Python (snake) names."""
    args: dict[str, graphene.Argument] = {}
    for f, hint in cls.fields():
        spec = spec_of(f)
        base, _ = unwrap(hint)
        gql = _type(base, spec)
        required = f.default is dataclasses.MISSING
        default = f.default if f.default not in (None, (), dataclasses.MISSING) else None
        extra = {} if default is None else {"default_value": default}
        args[f.name] = graphene.Argument(graphene.NonNull(gql) if required else gql,
                                         description=_describe(spec), **extra)
        for old in spec.graphql:
            args[old] = graphene.Argument(
                gql, description=f"Deprecated spelling of {camel(f.name)}.",
                deprecation_reason=f"Use {camel(f.name)}; this name goes in the next release.")
    return args


def params_from(cls: type[Params], info: Any, values: Mapping[str, Any]) -> Params:
    """The ``Params`` a resolver's keyword arguments name.

    Only the arguments the document wrote count: graphene also hands over the defaults,
    and a default ``days`` beside a written ``activeDays`` is no conflict (both written
    is, and says so). Enum members become their values.
    """
    written = {snake(arg.name.value) for node in info.field_nodes for arg in node.arguments}
    return cls.from_kwargs({k: getattr(v, "value", v) for k, v in values.items()
                            if k in written})


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _type(base: Any, spec: Spec) -> Any:
    if spec.choices is not None:
        return enum_type(spec.enum or "Choice", spec.help, tuple(spec.choices.items()))
    if typing.get_origin(base) is tuple:
        return graphene.List(graphene.NonNull(graphene.ID))
    if base is int:
        return graphene.Int
    if base is float:
        return graphene.Float
    return graphene.ID if spec.kind == "member" else graphene.String


@cache
def enum_type(name: str, help: str, choices: tuple[tuple[str, str], ...]
              ) -> type[graphene.Enum]:
    """One graphene enum per name: members in upper case, each value described."""
    described = dict(choices)
    body: dict[str, Any] = {value.upper(): value for value in described}
    body["description"] = property(lambda self: described[self.value])
    body["Meta"] = type("Meta", (), {"description": help})
    return type(name, (graphene.Enum,), body)


def _describe(spec: Spec) -> str:
    return f"{spec.help} {describe_bounds(spec)}".strip()
