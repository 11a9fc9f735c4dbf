"""Downline health, upline and team through Cypher walks: the oracle the snapshot's
answers (``refnet.queries.downline``) are held equal to.

These were the product's answers before the analytic snapshot (issue 14); they stay
here, with their Cypher beside them (``downline/groups``, ``downline/recruits``,
``downline/chain``, ``downline/member``), so the tests keep an independent recount.
``health`` walks the tree with two queries anchored on the root; Python adds up their
groups with the product's ``assemble``.
"""

from __future__ import annotations

from typing import Any

from refnet.graph.errors import BadInput, NotFound
from refnet.graph.store import GraphStore
from refnet.graph.text import CONTROL, control_character
from refnet.queries.downline.assemble import _COUNTERS, _add, _check_int, _check_window, assemble
from refnet.queries.downline.params import MAX_DEPTH
from refnet.queries.downline.results import DownlineHealth, Upline, UplineMember
from refnet.queries.params import MAX_TOP
from refnet.queries.window import Window, format_instant

__all__ = ["health", "team_cypher", "upline_cypher"]






def health(store: GraphStore, root_id: str, window: Window, *, max_depth: int | None = None,
           top: int = 10) -> DownlineHealth:
    """The downline health of ``root_id`` over ``window``, ``max_depth`` levels deep.

    ``max_depth`` (1..100, None for the whole tree) cuts the levels shown; ``top``
    (1..1000) limits the branch lists. Raises ``NotFound`` for an unknown root or
    one that joined after ``window.as_of``, ``BadInput`` for bad arguments.
    """
    _check_window(window)
    if max_depth is not None:
        _check_int("max_depth", max_depth, 1, MAX_DEPTH)
    _check_int("top", top, 1, MAX_TOP)
    _member(store, root_id, window.as_of)
    prev = window.previous()
    params = {**window.params(), "root": root_id, "max_depth": max_depth,
              "prev_since": prev.start}
    groups = store.run("downline/groups", params).records()
    recruits = store.run("downline/recruits", params).records()

    by_level: dict[int, dict[str, int]] = {}
    by_branch: dict[str, tuple[int, dict[str, int]]] = {}
    for g in groups:
        level = int(g["level"])
        _add(by_level.setdefault(level, dict.fromkeys(_COUNTERS, 0)), g)
        if level > 0:
            branch = str(g["branch"])
            depth, counts = by_branch.get(branch, (0, dict.fromkeys(_COUNTERS, 0)))
            _add(counts, g)
            by_branch[branch] = (max(depth, level - 1), counts)
    return assemble(root_id, window, max_depth, top, by_level, by_branch, recruits)


def upline_cypher(store: GraphStore, member_id: str, as_of: int | None = None) -> Upline:
    """The chain from ``member_id``'s root down to it, root first, as of ``as_of``.

    The Cypher answer (``downline/chain``), kept as the oracle of ``upline`` (which
    reads the snapshot: ``columns.upline_from``).

    A referral made after ``as_of`` is not there yet, so the chain then starts at the
    highest member still connected. Raises ``NotFound`` for an unknown member or one
    that joined after ``as_of``.
    """
    if as_of is not None:
        _check_int("as_of", as_of, 0, None)
    _member(store, member_id, as_of)
    row = store.run("downline/chain", {"id": member_id, "as_of": as_of}).single()
    chain = [
        UplineMember(id=str(i), level=k, joined_at=_int_or_none(j), status=s, tier=t)
        for k, (i, j, s, t) in enumerate(
            zip(row["ids"], row["joined"], row["statuses"], row["tiers"], strict=True))
    ]
    return Upline(member=member_id, as_of=as_of, root=chain[0].id, depth=len(chain) - 1,
                  chain=chain)


def team_cypher(store: GraphStore, root_id: str, as_of: int) -> list[str]:
    """The ids of ``root_id``'s downline as of ``as_of``, the root first, then sorted.

    The Cypher answer (``downline/team``), kept as the oracle of ``team`` (which reads
    the snapshot: ``columns.team_from``).

    The one way a question is scoped to a team (an organizer's influence, conversion
    and compliance): members reached through referrals made by ``as_of`` who had
    joined by then (a referral or join with no time is taken as always there). Raises
    ``NotFound`` for an unknown root or one that joined after ``as_of``.
    """
    _member(store, root_id, as_of)
    ids = sorted(str(r[0]) for r in store.run("downline/team",
                                              {"root": root_id, "as_of": as_of}).rows)
    ids.remove(root_id)
    return [root_id, *ids]


def _member(store: GraphStore, member_id: Any, as_of: int | None) -> dict[str, Any]:
    """The member row, or NotFound when it is unknown or joined after ``as_of``."""
    if not isinstance(member_id, str) or not member_id.strip():
        raise BadInput(f"a member id is a non-empty string, got {member_id!r}")
    if control_character(member_id, CONTROL) is not None:  # no loaded id holds one
        raise NotFound(f"no member {member_id!r}: member ids contain no control characters")
    rows = store.run("downline/member", {"id": member_id}).records()
    if not rows:
        raise NotFound(f"no member {member_id!r}; check the id (ids are case-sensitive)")
    row = rows[0]
    joined = row["joined_at"]
    if as_of is not None and joined is not None and int(joined) > as_of:
        raise NotFound(
            f"member {member_id!r} joined at {format_instant(int(joined))}, after the as-of "
            f"instant {format_instant(as_of)}: ask as of a later time"
        )
    return row


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
