"""One contract per question: its ``Params``.

Every ``Params`` field is a CLI option (or argument) and a GraphQL argument with the
same name, default and bounds, and neither front end offers a parameter the question
does not declare, beyond the few each names here (how the answer is written: ``--json``,
the case file's format and language, ``--out``). Like httpx's test of its exported
names, this holds hand edits of either front end to the one declaration.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import click
import pytest
from graphql import GraphQLEnumType, GraphQLList, GraphQLNonNull, Undefined

from refnet.api.cli import main
from refnet.api.schema import schema
from refnet.api.schema.params import camel
from refnet.graph.errors import BadInput
from refnet.queries.compliance import CaseFileParams, ComplianceParams
from refnet.queries.conversion import ConversionParams
from refnet.queries.downline import DownlineParams, UplineParams
from refnet.queries.influence import InfluenceParams
from refnet.queries.params import Params, spec_of, unwrap

QUESTIONS: list[type[Params]] = [DownlineParams, ComplianceParams, InfluenceParams,
                                 ConversionParams, CaseFileParams]
# how the answer is written, not what is asked: --json; the case file's --format and
# --out (its language is the command line's --lang), GraphQL's format and lang
CLI_ONLY = {"as_json", "fmt", "out"}
GRAPHQL_ONLY = {"format", "lang"}
# where a question is asked when it is not `refnet query NAME` and Query.NAME
COMMANDS = {"casefile": ("report", "compliance")}
FIELDS = {"casefile": ("mutation_type", "makeCaseFile")}


def _cli(cls: type[Params]) -> dict[str, click.Parameter]:
    group, name = COMMANDS.get(cls.question, ("query", cls.question))
    command = main.get_command(click.Context(main), group)
    assert isinstance(command, click.Group)
    return {p.name: p for p in command.commands[name].params if p.name}


def _graphql_args(cls: type[Params]) -> dict[str, Any]:
    root, name = FIELDS.get(cls.question, ("query_type", cls.question))
    args = getattr(schema.graphql_schema, root).fields[name].args
    return {k: v for k, v in args.items() if k not in GRAPHQL_ONLY}


def _unwrap_gql(t: Any) -> Any:
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t = t.of_type
    return t


@pytest.mark.parametrize("cls", [*QUESTIONS, UplineParams], ids=lambda c: c.question)
def test_every_field_is_a_cli_option_with_its_default_and_bounds(cls: type[Params]) -> None:
    cli = _cli(cls)
    assert set(cli) - CLI_ONLY == {f.name for f, _ in cls.fields()}
    for f, hint in cls.fields():
        spec, param = spec_of(f), cli[f.name]
        if f.default is dataclasses.MISSING:
            assert isinstance(param, click.Argument), f.name
            continue
        assert isinstance(param, click.Option), f.name
        assert f"--{f.name.replace('_', '-')}" in param.opts, param.opts
        assert set(spec.cli) <= set(param.opts)
        assert param.default == f.default or (param.default == () and f.default == ())
        base, _ = unwrap(hint)
        if spec.choices is not None:
            assert isinstance(param.type, click.Choice)
            assert list(param.type.choices) == list(spec.choices)
        elif base in (int, float):
            assert isinstance(param.type, click.IntRange | click.FloatRange), f.name
            assert (param.type.min, param.type.max) == (spec.low, spec.high), f.name
            assert param.type.min_open == param.type.max_open == spec.open_bounds


@pytest.mark.parametrize("cls", QUESTIONS, ids=lambda c: c.question)
def test_every_field_is_a_graphql_argument_with_its_default(cls: type[Params]) -> None:
    args = _graphql_args(cls)
    declared = {camel(f.name) for f, _ in cls.fields()}
    deprecated = {camel(old) for f, _ in cls.fields() for old in spec_of(f).graphql}
    assert set(args) == declared | deprecated
    for f, _ in cls.fields():
        spec, arg = spec_of(f), args[camel(f.name)]
        if f.default is dataclasses.MISSING:
            assert isinstance(arg.type, GraphQLNonNull), f.name
        elif f.default in (None, ()):
            assert arg.default_value in (Undefined, None), f.name
        else:
            assert arg.default_value == f.default, f.name
        if spec.choices is not None:
            enum = _unwrap_gql(arg.type)
            assert isinstance(enum, GraphQLEnumType)
            values = [getattr(v.value, "value", v.value) for v in enum.values.values()]
            assert sorted(values) == sorted(spec.choices)
        for old in spec.graphql:
            assert args[camel(old)].deprecation_reason, old


@pytest.mark.parametrize("cls", [*QUESTIONS, UplineParams], ids=lambda c: c.question)
def test_bounds_are_enforced_by_params_and_the_cli_alike(cls: type[Params]) -> None:
    required = {f.name: "m1" for f, _ in cls.fields() if f.default is dataclasses.MISSING}
    cli = _cli(cls)
    for f, hint in cls.fields():
        spec = spec_of(f)
        base, _ = unwrap(hint)
        if base not in (int, float):
            continue
        outside = [b for b in (spec.low, spec.high) if b is not None]
        for bound in outside:
            step = 1 if base is int else 0.0
            value = bound + step if bound == spec.high else bound - step
            if base is int:
                value = int(value)
            bad = value if not spec.open_bounds else bound
            with pytest.raises(BadInput, match=f.name):
                cls(**required, **{f.name: bad})
            with pytest.raises(click.BadParameter):
                cli[f.name].type.convert(bad, None, None)
            inside = (bound if not spec.open_bounds
                      else (bound + 0.5 if bound == spec.low else bound - 0.5))
            if base is int or not math.isclose(inside, bound):
                cls(**required, **{f.name: base(inside)})


def test_defaults_hold_the_window_lengths() -> None:
    """The window defaults live in the questions, not in the front ends."""
    assert [DownlineParams.__dataclass_fields__["days"].default,
            ComplianceParams.__dataclass_fields__["days"].default,
            InfluenceParams.__dataclass_fields__["days"].default,
            ConversionParams.__dataclass_fields__["days"].default] == [30, 365, 30, 90]


def test_a_deprecated_spelling_fills_its_field_and_conflicts_are_refused() -> None:
    assert DownlineParams.from_kwargs({"root_id": "m", "active_days": 7}).days == 7
    assert InfluenceParams.from_kwargs({"algorithm": "celf"}).method == "celf"
    assert ConversionParams.from_kwargs({"until": "2026-10-01"}).as_of == "2026-10-01"
    with pytest.raises(BadInput, match="twice"):
        DownlineParams.from_kwargs({"root_id": "m", "days": 7, "active_days": 8})


@pytest.mark.parametrize(("cls", "values", "message"), [
    (DownlineParams, {"root_id": " "}, "root_id must be a member id"),
    (DownlineParams, {"root_id": "m", "as_of": "yesterday"}, "not a date"),
    (DownlineParams, {"root_id": "m", "top": True}, "top must be a whole number"),
    (InfluenceParams, {"method": "magic"}, "method must be one of imm, celf"),
    (InfluenceParams, {"personalize": ("a", "")}, "personalize must be a list"),
    (ConversionParams, {"group_by": "weekday"}, "group_by must be one of"),
    (ComplianceParams, {"evidence": 1_001}, "evidence must be from 0 to 1,000"),
    (CaseFileParams, {"root_id": "m", "whatif_entry": "halve"}, "whatif_entry must be one of"),
])
def test_bad_values_name_their_field(cls: type[Params], values: dict[str, Any],
                                     message: str) -> None:
    with pytest.raises(BadInput, match=message):
        cls(**values)
