"""What the question modules share: the team an answer is about, checked before a
question runs. (The window comes from each question's ``Params``.)"""

from __future__ import annotations

from .context import Context

__all__ = ["team_root"]


def team_root(ctx: Context, root_id: str | None) -> str | None:
    """The downline a question covers: the one asked for, else the key's own (an
    organizer's key never gets a network-wide answer); checked against the scope."""
    root_id = root_id or ctx.scope.root
    if root_id is not None:
        ctx.scope.check(root_id)
    return root_id
