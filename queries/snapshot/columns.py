"""The analytic snapshot's columns: one data version of the graph (see the package
docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Final

import numpy as np

from refnet.graph.store import GraphStore

__all__ = ["ARRAYS", "NONE", "TABLES", "Snapshot", "version_of"]

NONE: Final = int(np.iinfo(np.int64).min)  # a missing time: before every instant


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One data version of the graph as columns.

    Members are in preorder of the referral forest (roots and children in id order):
    member ``i``'s downline is ``[i, i + size[i])``; ``j`` is below ``i`` exactly when
    ``i < j < i + size[i]``, ``depth[j] - depth[i]`` levels down. A member's forest
    parent is its earliest referral (a missing time first, then the referrer's id); the
    referral edges the forest cannot hold are the ``x_*`` table. Times are epoch ms,
    ``NONE`` where the store holds none. Purchases are sorted by promoter position
    (``-1``, none, first) then order id, so a downline's sales are one slice too;
    ``by_buyer`` orders them by buyer position the same way. Shares are sorted by
    promoter position then id, clicks by share, trust edges by (src, dst). Code tables
    (``statuses`` ...) are sorted and hold the codes in use: every order is the data's
    own, not the order the store handed rows over, so an updated snapshot equals a
    built one (``update``).
    """

    version: str
    latest: int | None  # the newest join, share, click or purchase time; None when empty
    statuses: tuple[str, ...]  # p_status codes index this
    member_statuses: tuple[str, ...]  # m_status codes index this
    tiers: tuple[str, ...]  # m_tier codes index this
    channels: tuple[str, ...]  # s_channel codes index this
    # members, in preorder
    ids: np.ndarray  # str
    joined_at: np.ndarray  # int64
    ref_at: np.ndarray  # int64: when the member's referral was made; NONE for a root
    parent: np.ndarray  # int32 position, -1 for a root
    root: np.ndarray  # int32 position of the member's forest root
    depth: np.ndarray  # int32, 0 for a root
    size: np.ndarray  # int32: the member and its whole downline
    id_order: np.ndarray  # int32: positions sorted by id (lookup by binary search)
    m_status: np.ndarray  # int32 index into member_statuses, -1 for none
    m_tier: np.ndarray  # int32 index into tiers, -1 for none
    # referral edges the forest does not hold: a member's later referrers, and the edge
    # into the smallest-id member of each referral cycle (which the forest makes a root);
    # sorted by (child, at, parent)
    x_child: np.ndarray  # int32 position
    x_parent: np.ndarray  # int32 position
    x_at: np.ndarray  # int64
    # trust edges, sorted by (src, dst); src trusts dst
    t_src: np.ndarray  # int32 position
    t_dst: np.ndarray  # int32 position
    t_weight: np.ndarray  # float64, NaN when the edge has none
    t_since: np.ndarray  # int64
    # shares, sorted by (promoter position, share id)
    s_promoter: np.ndarray  # int32 position, -1 for none
    s_at: np.ndarray  # int64
    s_channel: np.ndarray  # int32 index into channels, -1 for none
    s_key: np.ndarray  # S: the share's id (UTF-8), so a snapshot can be updated by id
    # clicks, sorted by (share, at, viewer)
    c_share: np.ndarray  # int32 share index
    c_viewer: np.ndarray  # int32 position
    c_at: np.ndarray  # int64
    # purchases, sorted by (promoter position, order id)
    p_buyer: np.ndarray  # int32 position, -1 for none (an outside buyer)
    p_promoter: np.ndarray  # int32 position, -1 for none
    p_share: np.ndarray  # int32 share index the purchase came VIA, -1 for none
    p_amount: np.ndarray  # int64 minor units (0 when missing)
    p_commission: np.ndarray  # int64 minor units (0 when missing)
    p_status: np.ndarray  # int8 index into statuses, -1 for none
    p_at: np.ndarray  # int64
    p_entry: np.ndarray  # int8: 1 an entry package, 0 another product, -1 no product
    p_key: np.ndarray  # S: the order id (UTF-8), so a snapshot can be updated by id
    by_buyer: np.ndarray  # int32: purchase indexes sorted by buyer position
    # the directory it was mapped from (None: built in memory); ``derived`` arrays go there
    home: str | None = field(default=None, kw_only=True)

    @property
    def members(self) -> int:
        return len(self.ids)

    def position(self, member_id: str) -> int | None:
        """The member's preorder position, or None when the snapshot does not hold it."""
        order, ids = self.id_order, self.ids
        lo, hi = 0, len(order)
        while lo < hi:  # bisect through id_order: no copy of the ids
            mid = (lo + hi) // 2
            if str(ids[order[mid]]) < member_id:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(order) and str(ids[order[lo]]) == member_id:
            return int(order[lo])
        return None

    def status_codes(self, *names: str) -> np.ndarray:
        return np.array([i for i, s in enumerate(self.statuses) if s in names], dtype=np.int8)

    def member_status(self, pos: int) -> str | None:
        code = int(self.m_status[pos])
        return None if code < 0 else self.member_statuses[code]

    def tier(self, pos: int) -> str | None:
        code = int(self.m_tier[pos])
        return None if code < 0 else self.tiers[code]

    @property
    def nbytes(self) -> int:
        """Bytes the columns take (on disk, and in memory once every page is mapped)."""
        return sum(int(getattr(self, name).nbytes) for name in ARRAYS)


TABLES: Final = ("statuses", "member_statuses", "tiers", "channels")
ARRAYS: Final = tuple(f.name for f in fields(Snapshot)
                      if f.name not in ("version", "latest", "home", *TABLES))


def version_of(store: GraphStore) -> str:
    """The data version (``window/version``: load runs and the latest one's change)."""
    row = store.run("window/version").single()
    loaded = "none" if row["loaded"] is None else str(int(row["loaded"]))
    return f"{int(row['loads'])}-{loaded}"

