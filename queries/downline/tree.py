"""The genealogy tree (族谱), a level at a time: a member with its direct recruits, each
with what a team leader reads off a node (own sales, the team's sales and size, active
or not), so a page can open a team of any size one click at a time.

From the snapshot, as of the window's end: a recruit whose referral came later is not
there yet, nor anyone below it (the same cut as ``health``). A node's team is its
whole downline then; its sales are the paid and settled purchases attributed to it in
the window, its team's sales those of the node and its downline (``health``'s GMV of
the node's team plus its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from refnet.graph.errors import BadInput
from refnet.queries.snapshot import Snapshot
from refnet.queries.window import Window

from .columns import _check_team_args, _present, _root_position, slice_events

__all__ = ["MAX_CHILDREN", "TreeLevel", "TreeNode", "children_from"]

MAX_CHILDREN: Final = 200  # recruits one click opens at most, largest teams first


@dataclass(frozen=True)
class TreeNode:
    """A member as a node of the tree; money in fen."""

    id: str
    team_size: int  # its downline as of then, itself excluded
    recruits: int  # direct recruits as of then (its children)
    gmv: int  # its own sales in the window
    team_gmv: int  # its own and its downline's
    active: bool  # sold or bought in the window


@dataclass(frozen=True)
class TreeLevel:
    """``node`` and its direct recruits (``children``, the largest teams first, at most
    ``limit``; ``more`` say how many others there are)."""

    node: TreeNode
    children: list[TreeNode]
    more: int
    data_version: str


def children_from(snap: Snapshot, member_id: str, window: Window,
                  limit: int = MAX_CHILDREN) -> TreeLevel:
    """``member_id`` and its recruits as of ``window``'s end, each with its numbers."""
    _check_team_args(member_id, window.end)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_CHILDREN:
        raise BadInput(f"limit must be between 1 and {MAX_CHILDREN}, got {limit!r}")
    p = _root_position(snap, member_id, window.end)
    lo, hi = p, p + int(snap.size[p])
    present = _present(snap, lo, hi, window.end)
    ev = slice_events(snap, lo, present, window)
    sold = ev.s_who[ev.s_now]
    amount = ev.amount[ev.s_now]
    active = np.zeros(hi - lo, dtype=bool)
    active[sold] = True
    active[ev.b_who[ev.b_now]] = True

    # the children are the members one level down; each one's recruits two levels down
    level = np.asarray(snap.depth[lo:hi], dtype=np.int64) - int(snap.depth[p])
    kids = np.flatnonzero((level == 1) & present)
    ends = kids + np.asarray(snap.size[lo:hi], dtype=np.int64)[kids]
    here = np.r_[0, np.cumsum(present)]  # members there before each offset
    grand = np.r_[0, np.cumsum(present & (level == 2))]
    money = np.r_[0, np.cumsum(amount)]  # sales before each event (events ascend)

    def node(offset: int, end: int, recruits: int) -> TreeNode:
        a, b = np.searchsorted(sold, [offset, end])
        own = np.searchsorted(sold, offset, side="right")
        return TreeNode(id=str(snap.ids[lo + offset]),
                        team_size=int(here[end] - here[offset + 1]), recruits=recruits,
                        gmv=int(money[own] - money[a]), team_gmv=int(money[b] - money[a]),
                        active=bool(active[offset]))

    children = [node(c, e, int(grand[e] - grand[c])) for c, e in
                zip(kids.tolist(), ends.tolist(), strict=True)]
    children.sort(key=lambda c: (-c.team_size, -c.team_gmv, c.id))
    return TreeLevel(node=node(0, hi - lo, len(kids)), children=children[:limit],
                     more=max(0, len(children) - limit), data_version=snap.version)

