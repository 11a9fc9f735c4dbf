"""Parsing canonical cells: the units and formats the README documents."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refnet.loaders import canonical
from refnet.loaders.canonical import Column


@pytest.mark.parametrize(("kind", "text", "value"), [
    ("id", " m1 ", "m1"),
    ("money", "42500", 42500),
    ("time", "2025-03-01T08:15:00Z", 1740816900000),
    ("time", "2025-03-01T16:15:00+08:00", 1740816900000),
    ("time", "2025-03-01T08:15:00", 1740816900000),
    ("weight", "0.25", 0.25),
    ("bool", "TRUE", True),
    ("bool", "no", False),
    ("str", "", None),
])
def test_values_parse(kind: str, text: str, value: object) -> None:
    assert canonical.parse_value(Column("c", kind), text) == value  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "text", "reason"), [
    ("money", "¥12.50", "integer"),
    ("time", "yesterday", "ISO-8601"),
    ("weight", "1.5", "within 0..1"),
    ("bool", "maybe", "true or false"),
])
def test_bad_values_say_why(kind: str, text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        canonical.parse_value(Column("c", kind), text)  # type: ignore[arg-type]


def test_required_cells_must_be_present() -> None:
    with pytest.raises(ValueError, match="required"):
        canonical.parse_value(Column("member_id", "id", required=True), "  ")


@given(st.integers(min_value=0, max_value=4_102_444_800) )
def test_time_round_trips_at_second_precision(seconds: int) -> None:
    text = canonical.format_time(seconds * 1000)
    assert canonical.parse_value(Column("at", "time"), text) == seconds * 1000
