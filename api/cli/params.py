"""Command-line options generated from a question's ``Params`` (``refnet.queries.params``).

Each field is an option named like it (``max_depth`` is ``--max-depth``; a required one
is an argument), with its default, its bounds (click's ranges, so a bad value is a usage
error before anything runs) and its help; older spellings (``Spec.cli``) still work. The
command builds its ``Params`` from what click parsed (``Params.from_kwargs``), so the
command line and GraphQL ask the same question.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from refnet.queries.params import Params, spec_of, unwrap

__all__ = ["in_zone", "options"]

F = TypeVar("F", bound=Callable[..., Any])


def options(cls: type[Params]) -> Callable[[F], F]:
    """Decorate a click command with one argument or option per field of ``cls``."""

    def decorate(fn: F) -> F:
        for f, hint in reversed(cls.fields()):
            fn = _decorator(f, hint)(fn)
        return fn

    return decorate


def _decorator(f: dataclasses.Field[Any], hint: Any) -> Callable[[F], F]:
    spec = spec_of(f)
    base, _ = unwrap(hint)
    if f.default is dataclasses.MISSING:
        return click.argument(f.name, metavar=spec.metavar or f.name.upper())
    kwargs: dict[str, Any] = {"default": f.default, "help": spec.help,
                              "metavar": spec.metavar,
                              "show_default": f.default not in (None, ())}
    if spec.choices is not None:
        kwargs["type"] = click.Choice(list(spec.choices))
        kwargs["metavar"] = None
    elif typing.get_origin(base) is tuple:
        kwargs.update(multiple=True, default=(), help=spec.help + " (repeat the option)")
    elif base is int:
        kwargs["type"] = click.IntRange(_int(spec.low), _int(spec.high))
    elif base is float:
        kwargs["type"] = click.FloatRange(spec.low, spec.high, min_open=spec.open_bounds,
                                          max_open=spec.open_bounds)
    flag = "--" + f.name.replace("_", "-")
    return click.option(flag, *spec.cli, f.name, **kwargs)


def _int(bound: float | None) -> int | None:
    return None if bound is None else int(bound)


def in_zone(cls: type[Params], values: dict[str, Any], zone: str) -> dict[str, Any]:
    """``values`` with each bare date of an instant (``--as-of 2026-11-01``: the end of
    that day) or a start (``--since``: its beginning) written out with ``zone``'s offset,
    so that a day on the command line is the organization's day, not UTC's. Times with
    an offset or a ``Z`` stay as typed; GraphQL keeps reading bare dates as UTC days."""
    out = dict(values)
    tz = ZoneInfo(zone)
    for f, _ in cls.fields():
        kind, text = spec_of(f).kind, out.get(f.name)
        if kind not in ("instant", "start") or not isinstance(text, str):
            continue
        try:
            day = date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
        except ValueError:
            continue  # not a date: the question's own check says what is wrong
        if day is not None:
            moment = datetime.combine(day, time.min, tz)
            if kind == "instant":  # the end of that day
                moment += timedelta(days=1) - timedelta(milliseconds=1)
            out[f.name] = moment.isoformat(timespec="milliseconds")
    return out
