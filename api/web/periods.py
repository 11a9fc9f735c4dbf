"""The periods a team leader picks (今日, 本周, 本月, 上月, 近30天, or two dates), as
windows over the data in the organization's time zone.

Days, weeks (Monday first, as in China) and months are the organization's own, not
UTC's. "Now" is the newest event the data holds (``snapshot.latest``), not the wall
clock: an organizer looks at the export they last loaded, and "this month" of an
export that ended on the 30th is that month, as the command line's default "as of" is.
A period covers whole days ``[first day 00:00, last day 24:00)``; the window the
questions take is ``since < t <= as_of``, so it runs from one millisecond before the
first day to one before the day after the last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from refnet.graph.errors import BadInput
from refnet.queries.window import Window

__all__ = ["MAX_DAYS", "PRESETS", "Period", "midnight", "parse_day", "period"]

PRESETS: Final = ("today", "week", "month", "last_month", "last_30", "custom")
MAX_DAYS: Final = 3 * 366  # a custom period longer than three years is refused


@dataclass(frozen=True)
class Period:
    """A preset (or ``custom``) with its first and last day, in the organization's zone."""

    preset: str
    first: date
    last: date
    window: Window


def period(preset: str, now_ms: int, zone: str, first: str | None = None,
           last: str | None = None) -> Period:
    """The period ``preset`` names as of ``now_ms``; ``custom`` takes ``first`` and
    ``last`` as ISO dates (``2026-11-01``), both days included."""
    tz = ZoneInfo(zone)
    today = datetime.fromtimestamp(now_ms / 1000, tz).date()
    if preset == "today":
        a, b = today, today
    elif preset == "week":
        a, b = today - timedelta(days=today.weekday()), today
    elif preset == "month":
        a, b = today.replace(day=1), today
    elif preset == "last_month":
        b = today.replace(day=1) - timedelta(days=1)
        a = b.replace(day=1)
    elif preset == "last_30":
        a, b = today - timedelta(days=29), today
    elif preset == "custom":
        a, b = parse_day("from", first), parse_day("to", last)
        if b < a:
            raise BadInput(f"the period ends ({b}) before it starts ({a})")
        if (b - a).days >= MAX_DAYS:
            raise BadInput(f"a period is at most {MAX_DAYS} days; {a} to {b} is "
                           f"{(b - a).days + 1}")
    else:
        raise BadInput(f"unknown period {preset!r}; periods are {', '.join(PRESETS)}")
    start = midnight(a, tz)
    end = midnight(b + timedelta(days=1), tz)
    return Period(preset, a, b, Window(start - 1, end - 1))


def parse_day(name: str, text: str | None) -> date:
    """The ISO date ``text`` (``2026-11-01``), or ``BadInput`` naming the field."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise BadInput(f"'{name}' must be a date like 2026-11-01, got {text!r}") from None


def midnight(day: date, tz: ZoneInfo) -> int:
    """The first instant of ``day`` in ``tz``, epoch ms."""
    return int(datetime.combine(day, time(0), tz).timestamp() * 1000)
