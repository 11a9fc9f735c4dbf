"""The as-of window every question takes: half-open bounds, parsing, bad input."""

from __future__ import annotations

import pytest

from refnet.graph.errors import BadInput
from refnet.queries.window import DAY_MS, Window, format_instant, parse_instant

OCT_1 = 1_759_276_800_000  # 2025-10-01T00:00:00Z


def test_days_before_is_half_open_and_ends_at_as_of() -> None:
    w = Window.days_before(OCT_1, 30)
    assert (w.start, w.end, w.as_of) == (OCT_1 - 30 * DAY_MS, OCT_1, OCT_1)
    assert w.days == 30
    assert w.params() == {"since": OCT_1 - 30 * DAY_MS, "as_of": OCT_1}


def test_previous_window_has_the_same_length_and_touches() -> None:
    w = Window.days_before(OCT_1, 7)
    p = w.previous()
    assert p.end == w.start and p.end - p.start == w.end - w.start


@pytest.mark.parametrize("days", [0, -3])
def test_a_window_is_at_least_a_day(days: int) -> None:
    with pytest.raises(BadInput, match="at least one day"):
        Window.days_before(OCT_1, days)


def test_a_window_must_end_after_it_starts() -> None:
    with pytest.raises(BadInput, match="must end after it starts"):
        Window(OCT_1, OCT_1)


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-10-01T00:00:00Z", OCT_1),
    ("2025-10-01T08:00:00+08:00", OCT_1),
    ("2025-10-01T00:00:00", OCT_1),  # no offset: UTC
    ("2025-10-01", OCT_1 + DAY_MS - 1),  # a bare date as of: the end of that day
])
def test_parse_instant(text: str, expected: int) -> None:
    assert parse_instant(text) == expected


def test_a_bare_date_as_a_start_is_the_start_of_the_day() -> None:
    assert parse_instant("2025-10-01", end_of_day=False) == OCT_1


@pytest.mark.parametrize("text", ["yesterday", "2025-13-01", "", "1/10/2025"])
def test_bad_instants_are_bad_input(text: str) -> None:
    with pytest.raises(BadInput, match="not a date"):
        parse_instant(text)


def test_format_instant_round_trips() -> None:
    assert format_instant(OCT_1) == "2025-10-01T00:00:00+00:00"
    assert parse_instant(format_instant(OCT_1 + 1234_000)) == OCT_1 + 1234_000
