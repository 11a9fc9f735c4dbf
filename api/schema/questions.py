"""What the four question modules share: the window an answer covers and the team
it is about, both checked before a question runs."""

from __future__ import annotations

from refnet.graph.errors import BadInput
from refnet.queries import window as windows

from .context import Context

__all__ = ["team_root", "window"]


def window(ctx: Context, as_of: str | None, days: int, since: str | None = None
           ) -> windows.Window:
    """The window a question covers, ending at ``as_of`` (default: the latest event
    stored, remembered between requests) and ``days`` long, or starting at ``since``."""
    if not 1 <= days <= 3650:
        raise BadInput(f"days must be within 1..3650, got {days}")
    return windows.resolve(
        ctx.store,
        as_of=windows.parse_instant(as_of) if as_of else None, days=days,
        since=windows.parse_instant(since, end_of_day=False) if since else None,
        latest=windows.remembered_latest)


def team_root(ctx: Context, root_id: str | None) -> str | None:
    """The downline a question covers: the one asked for, else the key's own (an
    organizer's key never gets a network-wide answer); checked against the scope."""
    root_id = root_id or ctx.scope.root
    if root_id is not None:
        ctx.scope.check(root_id)
    return root_id
