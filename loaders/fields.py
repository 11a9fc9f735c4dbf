"""A compiled profile field: where its value comes from in a record, and how it is read.

``profiles.py`` compiles each ``[output.fields]`` / ``[output.extra]`` entry of a profile
into a ``Field``; ``Field.resolve`` reads it from one record's cells (alternatives in
order, ``map``, the parser from ``values.PARSERS``, ``skip_zero``, ``default``,
``required``, personal values hashed) and ``Field.quick`` compiles the fast path a plain
field takes on the usual cell. The spec format is documented in ``profiles.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from refnet.graph.text import CONTROL, control_character

from . import canonical
from .records import REASONS, RowError
from .values import PARSERS, Ctx, as_text, bad_value, normalize_phone, parse_id

__all__ = ["Alternative", "Field"]

Alternative = tuple[str, ...]  # one column, or several joined
Empty = Callable[[Any], bool]  # the profile's reading of "this cell is empty"


@dataclass(frozen=True)
class Field:
    name: str
    alternatives: tuple[Alternative, ...]
    constant: Any
    parse: str
    ctx: Ctx
    map: Mapping[str, Any] | None
    default: Any
    required: bool
    personal: bool | str | frozenset[str]
    skip_zero: bool
    join_with: str

    def columns(self) -> list[str]:
        return [c for alt in self.alternatives for c in alt]

    def personal_columns(self) -> list[str]:
        if self.personal is True or self.personal == "phone":
            return self.columns()
        if isinstance(self.personal, frozenset):
            return [c for c in self.columns() if c in self.personal]
        return []

    def resolve(
        self, cells: Mapping[str, Any], hasher: Callable[[str], str], entity: str, empty: Empty,
    ) -> tuple[Any, str | None]:
        """The field's value and the alternative that gave it (``None``: none did)."""
        if not self.alternatives:
            return self.constant, None
        parser = PARSERS[self.parse]
        zero: tuple[Any, str] | None = None
        for alt in self.alternatives:
            raw = self._raw(alt, cells, empty)
            if raw is None:
                continue
            label = "+".join(alt)
            try:
                if isinstance(raw, Mapping | list) and self.parse != "json_key":
                    raise bad_value(f"a {type(raw).__name__} where one value belongs: {raw!r}")
                if self.map is not None and self.parse != "status":
                    raw = self.map.get(as_text(raw), raw)
                value = parser(raw, self.ctx)
            except RowError as e:
                raise self._located(e, label) from None
            if value is None:
                continue
            if self.skip_zero and value == 0:
                zero = zero or (value, label)
                continue
            return self._protect(value, alt, hasher), label
        if zero is not None:
            return zero
        if self.default is not None:
            return self.default, None
        if self.required:
            one = len(self.alternatives) == 1
            names = ", ".join("+".join(alt) for alt in self.alternatives)
            raise RowError("missing_required", f"{entity}.{self.name} is required but "
                           f"{'column' if one else 'columns'} "
                           f"{names} {'is' if one else 'are'} empty")
        return None, None

    def quick(self, entity: str, empty_values: frozenset[str], empty: Empty,
              ) -> Callable[[Mapping[str, Any]], Any] | None:
        """A quick reading of a plain field's usual cell, or None to always take resolve.

        Plain: one column, no ``map``, not personal, no ``skip_zero``. The quick path
        only handles the usual case (a non-empty text cell that parses); anything else
        (an empty cell, a non-text cell, a value that fails to parse) goes through
        ``resolve``, which gives the same result or raises the same error.
        """
        if (len(self.alternatives) != 1 or len(self.alternatives[0]) != 1 or self.personal
                or self.skip_zero or (self.map is not None and self.parse != "status")):
            return None
        column = self.alternatives[0][0]
        resolve = self.resolve
        # An empty cell reads as the default, or None, or raises missing_required.
        empty_is_none = self.default is None and not self.required
        read = _fast_reader(self)

        def fast(cells: Mapping[str, Any]) -> Any:
            raw = cells.get(column)
            if type(raw) is str:
                text = raw.strip()
                if not text:
                    if empty_is_none:
                        return None
                elif text not in empty_values:
                    value = read(text, raw)
                    if value is not None:
                        return value
            return resolve(cells, _no_hasher, entity, empty)[0]

        return fast

    # -- helpers

    def _located(self, e: RowError, label: str) -> RowError:
        # a personal value must not reach the quarantine file through the reason
        why = f"{REASONS[e.code]} (value withheld: personal)" if self.personal else e.message
        return RowError(e.code, f"column {label!r} ({self.name}): {why}")

    def _raw(self, alt: Alternative, cells: Mapping[str, Any], empty: Empty) -> Any:
        if len(alt) == 1:
            value = cells.get(alt[0])
            return None if empty(value) else value
        parts = []
        for column in alt:
            value = cells.get(column)
            if empty(value):
                return None
            try:
                part = parse_id(value, self.ctx)
            except RowError as e:
                raise self._located(e, column) from None
            if part is None:
                return None
            parts.append(part)
        return self.join_with.join(parts)

    def _protect(self, value: Any, alt: Alternative, hasher: Callable[[str], str]) -> Any:
        if not self.personal:
            return value
        text = str(value)
        phone = normalize_phone(text)
        if self.personal == "phone":
            return hasher(phone) if phone else value
        if isinstance(self.personal, frozenset) and not set(alt) & self.personal:
            return value
        return hasher(phone or text)


def _no_hasher(value: str) -> str:  # pragma: no cover - only personal fields hash
    raise AssertionError("a plain field has no personal value to hash")


def _fast_reader(f: Field) -> Callable[[str, str], Any]:
    """``read(text, raw)``: the field's value for a stripped, non-empty text cell, or None.

    None sends the cell to ``Field.resolve`` (which then raises the field's error, or
    agrees). Each quick reading returns exactly what the field's parser returns for a
    text that passes it.
    """
    parser, ctx = PARSERS[f.parse], f.ctx
    column = ctx.column
    if f.parse == "canonical" and column is not None:
        kind = column.kind
        if kind == "id":  # an ASCII id passes ids.normalize_id as it is
            def read_id(text: str, raw: str) -> Any:
                return text if text.isascii() and text.isprintable() else None
            return read_id
        if kind == "str":
            def read_text(text: str, raw: str) -> Any:
                return (text if text.isprintable() or control_character(text, CONTROL) is None
                        else None)
            return read_text
        if kind in ("int", "money"):
            def read_int(text: str, raw: str) -> Any:
                try:
                    return int(text)
                except ValueError:
                    return None
            return read_int
        if kind == "time":
            def read_time(text: str, raw: str) -> Any:
                try:
                    return canonical.parse_time(text)
                except ValueError:
                    return None
            return read_time
        if kind == "weight":
            def read_weight(text: str, raw: str) -> Any:
                try:
                    weight = float(text)
                except ValueError:
                    return None
                return weight if 0.0 <= weight <= 1.0 else None
            return read_weight

    def read_any(text: str, raw: str) -> Any:
        try:
            return parser(raw, ctx)
        except RowError:
            return None
    return read_any
