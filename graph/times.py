"""Time as refnet keeps it and as it is written: one place for each conversion.

The store keeps every time as epoch milliseconds, UTC (an int crosses both backends
unchanged). People and files see text: ISO-8601 with its offset in answers and reports
(``iso``), the canonical files' ``Z`` form (``iso_z``), minutes for a terminal
(``minutes``). Readers of text take ISO-8601, and a time without an offset as UTC
(``parse_iso``). The organization's own zone joins here when pages show it.

>>> iso(0), iso_z(0), minutes(0)
('1970-01-01T00:00:00+00:00', '1970-01-01T00:00:00Z', '1970-01-01 00:00 UTC')
>>> parse_iso("1970-01-01T08:00:00+08:00")
0
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["from_ms", "iso", "iso_z", "minutes", "now_ms", "parse_iso", "to_ms"]


def to_ms(moment: datetime) -> int:
    """An aware datetime as epoch milliseconds (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def from_ms(epoch_ms: int) -> datetime:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC)


def now_ms() -> int:
    return to_ms(datetime.now(UTC))


def iso(epoch_ms: int) -> str:
    """``2026-10-01T12:00:00+00:00``: how answers, reports and logs write a time."""
    return from_ms(epoch_ms).isoformat(timespec="seconds")


def iso_z(epoch_ms: int) -> str:
    """``2026-10-01T12:00:00Z``: how the canonical export files write a time."""
    return from_ms(epoch_ms).strftime("%Y-%m-%dT%H:%M:%SZ")


def minutes(epoch_ms: int) -> str:
    """``2026-10-01 12:00 UTC``: a time in a terminal table."""
    return from_ms(epoch_ms).strftime("%Y-%m-%d %H:%M UTC")


def parse_iso(text: str) -> int:
    """ISO-8601 text (``Z`` or an offset; none means UTC) as epoch milliseconds.

    Raises ``ValueError`` for text that is not ISO-8601; callers say whose text it was.
    """
    return to_ms(datetime.fromisoformat(text.replace("Z", "+00:00")
                                        if text.endswith("Z") else text))
