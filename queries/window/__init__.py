"""When a question is asked: the "as of" instant and the window it looks back over.

Every question takes a ``Window``. Events after ``end`` (the "as of" instant) do not
exist for the answer, so an auditor can ask what the network looked like on the day
of a complaint; ``start`` opens the period that "active", "new recruits", "churned"
and a funnel's counts refer to. Both are epoch milliseconds (UTC), like every time
in the graph. The window is half-open: ``start < t <= end``.

When the caller gives no "as of", questions answer as of the latest event the store
holds (``latest_event``), not the wall clock: an export loaded today usually ends
days ago, and a window ending "now" would report everyone inactive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from refnet.graph import times
from refnet.graph.errors import BadInput
from refnet.graph.store import GraphStore
from refnet.queries import snapshot

__all__ = ["DAY_MS", "Window", "format_instant", "latest_event", "parse_instant",
           "resolve"]

DAY_MS = 86_400_000
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Window:
    """The half-open period ``start < t <= end``; ``end`` is the "as of" instant."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise BadInput(
                f"the window must end after it starts: {format_instant(self.start)} "
                f"is not before {format_instant(self.end)}"
            )

    @classmethod
    def days_before(cls, end: int, days: int = DEFAULT_DAYS) -> Window:
        """The ``days`` days up to and including ``end``."""
        if days < 1:
            raise BadInput(f"a window is at least one day long, got {days}")
        return cls(end - days * DAY_MS, end)

    @property
    def as_of(self) -> int:
        return self.end

    @property
    def days(self) -> float:
        return (self.end - self.start) / DAY_MS

    def previous(self) -> Window:
        """The window of the same length just before this one (churn compares the two)."""
        length = self.end - self.start
        return Window(self.start - length, self.start)

    def params(self) -> dict[str, int]:
        """The Cypher parameters every question file uses: ``$since`` and ``$as_of``."""
        return {"since": self.start, "as_of": self.end}

    def describe(self) -> dict[str, Any]:
        """The window as a report states it, so an auditor can recompute the answer."""
        return {"since": format_instant(self.start), "as_of": format_instant(self.end),
                "days": round(self.days, 3)}


def latest_event(store: GraphStore) -> int | None:
    """The newest time the graph holds (a join, share, click or purchase); None if empty.

    Read from the analytic snapshot of the current data version, where the build
    recorded it: a question's default "as of" costs one version read, not a scan of
    every event (the Cypher scan, ``tests/oracle/window``, took seconds at 100,000
    members). Like every snapshot answer, it moves on with each load; a write that
    bypasses the loader is seen after ``snapshot.current(..., rebuild=True)``.
    """
    return snapshot.current(store, store.config.data_dir).latest


def resolve(store: GraphStore, as_of: int | None = None, days: int = DEFAULT_DAYS,
            since: int | None = None, *,
            latest: Callable[[GraphStore], int | None] = latest_event) -> Window:
    """The window a question answers over: ``since`` (or ``days`` back) up to ``as_of``.

    ``as_of`` defaults to the latest event in the store, or the current time for an
    empty store.
    """
    if as_of is None:
        as_of = latest(store)
    if as_of is None:
        as_of = times.now_ms()
    if since is not None:
        return Window(since, as_of)
    return Window.days_before(as_of, days)


def parse_instant(text: str, *, end_of_day: bool = True) -> int:
    """``2026-10-01``, ``2026-10-01T12:00:00+08:00`` or ``...Z`` as epoch ms (UTC if no offset).

    A bare date means the end of that day (UTC) by default, so "as of 2026-10-01"
    includes what happened on the 1st; a window's start takes the day's beginning.
    """
    text = text.strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
        if day is not None:
            moment = datetime.combine(day, time.min, UTC)
            if end_of_day:
                moment += timedelta(days=1) - timedelta(milliseconds=1)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError:
        raise BadInput(f"not a date or ISO-8601 time: {text!r} (e.g. 2026-10-01 or "
                       f"2026-10-01T12:00:00+08:00)") from None
    return int(moment.timestamp() * 1000)


format_instant = times.iso  # epoch ms as ISO-8601 with its offset (graph.times)
