"""graph/times.py: one conversion each way between epoch ms and the text people read."""

from __future__ import annotations

import doctest

from hypothesis import given
from hypothesis import strategies as st

from refnet.graph import times
from refnet.queries.window import format_instant, parse_instant

MS = st.integers(0, 4_102_444_800_000).map(lambda ms: ms - ms % 1000)  # to 2100, whole s


def test_the_examples_hold() -> None:
    assert doctest.testmod(times).failed == 0


@given(MS)
def test_every_written_form_reads_back(ms: int) -> None:
    assert times.parse_iso(times.iso(ms)) == ms
    assert times.parse_iso(times.iso_z(ms)) == ms
    assert parse_instant(format_instant(ms)) == ms  # the questions' reader and writer


def test_no_offset_means_utc() -> None:
    assert times.parse_iso("2026-10-01T08:00:00") == times.parse_iso("2026-10-01T16:00:00+08:00")
