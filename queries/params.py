"""Each question's inputs, declared once: names, defaults, bounds and help.

A question's ``Params`` is a frozen dataclass whose fields are made with ``param``. The
command line generates its options from it (``refnet.api.cli.params``), GraphQL its
arguments (``refnet.api.schema.params``), the demo builds it, and the question's ``ask``
reads it; ``tests/unit/test_params_parity.py`` holds the two front ends to it (same
names, defaults and bounds), so a new parameter is one new field.

Validation happens when a ``Params`` is made: a value out of its bounds, a choice not
offered or an unreadable time raises ``BadInput`` naming the field, whichever front end
it came from. Nothing is clamped or guessed.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final, Literal

from refnet.graph.errors import BadInput
from refnet.graph.store import GraphStore

from .window import Window, latest_event, parse_instant, resolve

__all__ = ["MAX_DAYS", "MAX_TOP", "Params", "Spec", "WindowParams", "describe_bounds", "param",
           "spec_of", "unwrap"]

MAX_TOP: Final = 10_000  # rows any question lists at most (branches, members, promoters)
MAX_DAYS: Final = 3_650  # the longest window, ten years

Kind = Literal["member", "instant", "start"]
_WINDOW_FIELDS: Final = ("as_of", "days", "since")


@dataclass(frozen=True)
class Spec:
    """What a front end needs to offer one parameter.

    ``low``/``high`` bound numbers (``open_bounds`` makes both exclusive, for rates);
    ``choices`` maps each allowed value to what it means (GraphQL turns them into the
    enum ``enum``). ``kind`` says how to read a string: a ``member`` id (the API checks
    it against the caller's scope), an ``instant`` ("as of": a bare date is the end of
    that day) or a ``start`` (a bare date is its beginning). ``cli`` and ``graphql`` are
    older spellings kept for one release (GraphQL marks them deprecated).
    """

    help: str
    low: float | None = None
    high: float | None = None
    open_bounds: bool = False
    choices: Mapping[str, str] | None = None
    enum: str | None = None
    kind: Kind | None = None
    metavar: str | None = None
    cli: tuple[str, ...] = ()
    graphql: tuple[str, ...] = ()


def param(default: Any = dataclasses.MISSING, help: str = "", **spec: Any) -> Any:
    """A ``Params`` field: its default (none for a required one) and its ``Spec``."""
    return field(default=default, metadata={"spec": Spec(help, **spec)})


def spec_of(f: dataclasses.Field[Any]) -> Spec:
    return f.metadata["spec"]


@dataclass(frozen=True, kw_only=True)
class Params:
    """Base of every question's parameters; checks each field against its ``Spec``."""

    question: ClassVar[str]  # the name the CLI command and the GraphQL field share

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            _check(f.name, getattr(self, f.name), hints[f.name], spec_of(f))

    @classmethod
    def fields(cls) -> list[tuple[dataclasses.Field[Any], Any]]:
        """Each field with its type (``int``, ``str | None``, ``tuple[str, ...]``, ...),
        the question's own first and the window's (``as_of``, ``days``, ``since``) last,
        the order help texts and the schema list them in."""
        hints = typing.get_type_hints(cls)
        return sorted(((f, hints[f.name]) for f in dataclasses.fields(cls)),
                      key=lambda pair: pair[0].name in _WINDOW_FIELDS)

    @classmethod
    def from_kwargs(cls, values: Mapping[str, Any]) -> typing.Self:
        """Params from a front end's arguments: ``None`` means "not given" (the default),
        lists become tuples, and a deprecated GraphQL spelling fills its field."""
        given: dict[str, Any] = {}
        for f, _ in cls.fields():
            spec = spec_of(f)
            for name in (f.name, *spec.graphql):
                value = values.get(name)
                if value is None:
                    continue
                if f.name in given and given[f.name] != value:
                    raise BadInput(f"{f.name} was given twice, as {f.name} and {name}")
                given[f.name] = tuple(value) if isinstance(value, list) else value
        return cls(**given)


@dataclass(frozen=True, kw_only=True)
class WindowParams(Params):
    """The window every question looks back over (``queries.window``); each question
    sets its own default length."""

    as_of: str | None = param(
        None, "Ignore everything after this: a date (its end) or an ISO-8601 time with "
              "its offset; default: the latest event stored.", kind="instant",
        metavar="DATE")
    days: int = param(30, "The window's length in days, ending at as of.", low=1,
                      high=MAX_DAYS)
    since: str | None = param(None, "The window's start instead of days (a date means "
                                    "its beginning).", kind="start", metavar="DATE")

    def window(self, store: GraphStore,
               latest: Callable[[GraphStore], int | None] = latest_event) -> Window:
        """The window these parameters name, as of the latest event when none is given."""
        return resolve(store, as_of=_instant(self.as_of, end_of_day=True), days=self.days,
                       since=_instant(self.since, end_of_day=False), latest=latest)


def _instant(text: str | None, *, end_of_day: bool) -> int | None:
    return None if text is None else parse_instant(text, end_of_day=end_of_day)


def _check(name: str, value: Any, hint: Any, spec: Spec) -> None:
    base, optional = unwrap(hint)
    if value is None:
        if optional:
            return
        raise BadInput(f"{name} is required")
    if base in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                base is int and not isinstance(value, int)):
            kind = "a whole number" if base is int else "a number"
            raise BadInput(f"{name} must be {kind}, got {value!r}")
        _bounds(name, value, spec)
    elif base is str:
        if not isinstance(value, str):
            raise BadInput(f"{name} must be text, got {value!r}")
        if spec.choices is not None and value not in spec.choices:
            raise BadInput(f"{name} must be one of {', '.join(spec.choices)}, got {value!r}")
        if spec.kind == "member" and not value.strip():
            raise BadInput(f"{name} must be a member id, got {value!r}")
        if spec.kind in ("instant", "start"):
            parse_instant(value, end_of_day=spec.kind == "instant")
    elif typing.get_origin(base) is tuple and (
            not isinstance(value, tuple)
            or not all(isinstance(v, str) and v.strip() for v in value)):
        raise BadInput(f"{name} must be a list of member ids, got {value!r}")


def _bounds(name: str, value: float, spec: Spec) -> None:
    low, high = spec.low, spec.high
    if spec.open_bounds:
        ok = (low is None or value > low) and (high is None or value < high)
        said = f"between {_num(low)} and {_num(high)} (exclusive)"
    else:
        ok = (low is None or value >= low) and (high is None or value <= high)
        said = (f"from {_num(low)} to {_num(high)}" if high is not None
                else f"at least {_num(low)}")
    if not ok:
        raise BadInput(f"{name} must be {said}, got {value!r}")


def describe_bounds(spec: Spec) -> str:
    """The bounds as a help text states them ("" when there are none)."""
    if spec.low is not None and spec.high is not None:
        kind = "exclusive" if spec.open_bounds else "inclusive"
        return f"Bounds: {_num(spec.low)} to {_num(spec.high)} ({kind})."
    return f"At least {_num(spec.low)}." if spec.low is not None else ""


def _num(x: float | None) -> str:
    return "" if x is None else f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def unwrap(hint: Any) -> tuple[Any, bool]:
    """``X | None`` -> (X, True); anything else -> (it, False)."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0], True
    return hint, False
