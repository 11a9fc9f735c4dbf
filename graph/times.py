"""Time as refnet keeps it and as it is written: one place for each conversion.

The store keeps every time as epoch milliseconds, UTC (an int crosses both backends
unchanged). People and files see text: ISO-8601 with its offset in answers and reports
(``iso``), the canonical files' ``Z`` form (``iso_z``), minutes for a terminal
(``minutes``). Readers of text take ISO-8601, and a time without an offset as UTC
(``parse_iso``). What the command line prints for a person (``minutes``, ``local``) is
in the organization's zone once ``show_in`` names it (``--tz``).

>>> show_in("UTC")
>>> iso(0), iso_z(0), minutes(0)
('1970-01-01T00:00:00+00:00', '1970-01-01T00:00:00Z', '1970-01-01 00:00 UTC')
>>> show_in("Asia/Shanghai")
>>> minutes(0), local(0)
('1970-01-01 08:00 Asia/Shanghai', '1970-01-01T08:00:00+08:00')
>>> parse_iso("1970-01-01T08:00:00+08:00")
0
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

__all__ = ["from_ms", "iso", "iso_z", "local", "minutes", "now_ms", "parse_iso", "show_in",
           "to_ms"]

_shown: tzinfo = UTC  # the zone ``minutes`` and ``local`` print in (``show_in``)


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


def show_in(zone: str) -> None:
    """Times printed for a person (``minutes``, ``local``) are in ``zone`` from now on:
    the CLI's ``--tz`` (``Config.timezone``). Answers, reports and files keep ``iso``."""
    global _shown
    _shown = UTC if zone == "UTC" else ZoneInfo(zone)


def minutes(epoch_ms: int) -> str:
    """``2026-10-01 12:00 UTC``: a time in a terminal table, in the zone ``show_in``
    chose (``2026-10-01 20:00 Asia/Shanghai``)."""
    return f"{from_ms(epoch_ms).astimezone(_shown).strftime('%Y-%m-%d %H:%M')} {_shown}"


def local(epoch_ms: int) -> str:
    """``2026-10-01T20:00:00+08:00``: ISO-8601 in the zone ``show_in`` chose."""
    return from_ms(epoch_ms).astimezone(_shown).isoformat(timespec="seconds")


def parse_iso(text: str) -> int:
    """ISO-8601 text (``Z`` or an offset; none means UTC) as epoch milliseconds.

    Raises ``ValueError`` for text that is not ISO-8601; callers say whose text it was.
    """
    return to_ms(datetime.fromisoformat(text.replace("Z", "+00:00")
                                        if text.endswith("Z") else text))
