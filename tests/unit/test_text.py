"""graph/text.py: the one control-character guard, and the rules each caller keeps."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refnet.graph import text
from refnet.graph.text import (
    CONTROL,
    CONTROL_IN_TEXT,
    NEVER_SENT,
    NEVER_WRITTEN,
    control_character,
)
from refnet.loaders.records import RowError
from refnet.loaders.values import parse_field_value


def test_the_sets() -> None:
    assert NEVER_SENT == "\x00" and NEVER_WRITTEN == "\x00\x01"
    assert set(CONTROL) == {chr(c) for c in range(32)} | {"\x7f"}
    assert set(CONTROL) - set(CONTROL_IN_TEXT) == {"\t", "\n"}
    assert "\r" in CONTROL_IN_TEXT and "\x85" not in CONTROL  # C1 controls are kept


@pytest.mark.parametrize(("value", "among", "found"), [
    ("", NEVER_WRITTEN, None),
    ("m1", NEVER_WRITTEN, None),
    ("a\x01b", NEVER_WRITTEN, "\x01"),
    ("a\x00", NEVER_WRITTEN, "\x00"),
    ("\x01\x00", NEVER_WRITTEN, "\x01"),  # the first in the text, not in the set
    ("x\x00\x01", NEVER_WRITTEN, "\x00"),
    ("a\x01b", NEVER_SENT, None),  # a read may carry U+0001
    ("a\x02b\x1f", NEVER_WRITTEN, None),  # the stores keep the other controls
    ("a\x02b\x1f", CONTROL, "\x02"),
    ("a\tb\nc", CONTROL, "\t"),
    ("a\tb\nc", CONTROL_IN_TEXT, None),
    ("a\r\nb", CONTROL_IN_TEXT, "\r"),
    ("del\x7f", CONTROL, "\x7f"),
    ("中文\u2028😀", CONTROL, None),
])
def test_control_character(value: str, among: str, found: str | None) -> None:
    assert control_character(value, among) == found


def test_default_is_what_the_stores_cannot_keep() -> None:
    assert control_character("a\x00") == control_character("a\x00", NEVER_WRITTEN) == "\x00"
    assert control_character("a\x02") is None


@given(value=st.text(max_size=30), among=st.sampled_from(
    [NEVER_SENT, NEVER_WRITTEN, CONTROL, CONTROL_IN_TEXT, "\x01"]))
def test_the_first_such_character(value: str, among: str) -> None:
    expected = next((c for c in value if c in among), None)
    assert control_character(value, among) == expected


def test_doctests() -> None:
    assert doctest.testmod(text).failed == 0


def test_profile_parsers_keep_their_rules() -> None:
    """An id refuses every control character; free text folds tabs and newlines."""
    for value in ("a\x02b", "a\tb", "a\x7f"):
        with pytest.raises(RowError) as info:
            parse_field_value("id", value)
        assert info.value.code == "bad_text"
        assert info.value.message == f"contains a control character: {value!r}"
    assert parse_field_value("text", "a\tb\nc") == "a b c"
    with pytest.raises(RowError, match="contains a control character"):
        parse_field_value("text", "a\r\nb")
