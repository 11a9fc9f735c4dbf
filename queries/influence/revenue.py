"""Attributed and downstream GMV per promoter, from the snapshot's purchase columns.

Counted purchases are paid or settled, in the window (``since < at <= as_of``). Per
promoter (a member the purchase is attributed to): orders, GMV, commission, the
distinct member buyers, the orders with no buyer, and ``reached`` — everything those
buyers bought in the window, through any promoter or none, each buyer counted once per
promoter who reached them. For a team, only its promoters count, and a buyer's
spending counts only through the team's members.

Purchases are sorted by promoter, so per-promoter sums are ``np.add.reduceat`` over
the kept rows; sums stay in int64 (exact money, never floats).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from refnet.queries.snapshot import Snapshot
from refnet.queries.window import Window

__all__ = ["COUNTED", "FIELDS", "Revenue", "revenue_from"]

COUNTED = ("paid", "settled")
FIELDS = ("orders", "gmv", "commission", "buyers", "outside_orders", "reached_gmv")


@dataclass(frozen=True, eq=False)
class Revenue:
    """Per promoter with a counted purchase: ``who`` (ascending snapshot positions) and
    the int64 columns of ``FIELDS`` beside it."""

    who: np.ndarray
    orders: np.ndarray
    gmv: np.ndarray
    commission: np.ndarray
    buyers: np.ndarray
    outside_orders: np.ndarray
    reached_gmv: np.ndarray

    def column(self, name: str, positions: np.ndarray) -> np.ndarray:
        """``name`` per snapshot position in ``positions`` (0 for a non-promoter)."""
        values = getattr(self, name)
        out = np.zeros(len(positions), dtype=np.int64)
        if len(self.who):
            at = np.minimum(np.searchsorted(self.who, positions), len(self.who) - 1)
            hit = self.who[at] == positions
            out[hit] = values[at[hit]]
        return out

    def as_dict(self, snap: Snapshot) -> dict[str, dict[str, int]]:
        """Member id -> each field (tests compare with the Cypher oracle this way)."""
        return {str(snap.ids[p]): {f: int(getattr(self, f)[i]) for f in FIELDS}
                for i, p in enumerate(self.who.tolist())}


def revenue_from(snap: Snapshot, window: Window, team: np.ndarray | None = None) -> Revenue:
    """Revenue per promoter over ``window``; ``team`` masks snapshot positions."""
    n = snap.members
    at = np.asarray(snap.p_at)
    ok = np.isin(snap.p_status, snap.status_codes(*COUNTED)) & (at > window.start) & (
        at <= window.end)
    promoter = np.asarray(snap.p_promoter, dtype=np.int64)
    buyer = np.asarray(snap.p_buyer, dtype=np.int64)
    amount = np.asarray(snap.p_amount, dtype=np.int64)
    through = promoter >= 0
    if team is not None:
        through &= team[np.maximum(promoter, 0)]
    attributed = np.flatnonzero(ok & through)  # still sorted by promoter

    pr = promoter[attributed]
    b = buyer[attributed]
    starts = np.flatnonzero(np.r_[True, pr[1:] != pr[:-1]]) if len(pr) else np.zeros(0, int)
    who = pr[starts]

    def per(values: np.ndarray) -> np.ndarray:
        if not len(starts):
            return np.zeros(0, dtype=np.int64)
        return np.add.reduceat(values.astype(np.int64), starts)

    # distinct member buyers per promoter, and what each such buyer spent
    member = b >= 0
    pairs = np.unique(pr[member] * max(n, 1) + b[member])
    pair_promoter, pair_buyer = np.divmod(pairs, max(n, 1))
    slot = np.searchsorted(who, pair_promoter)
    spending = np.flatnonzero(ok & (buyer >= 0) & (through if team is not None else True))
    spent = np.zeros(n, dtype=np.int64)
    np.add.at(spent, buyer[spending], amount[spending])
    reached = np.zeros(len(who), dtype=np.int64)
    np.add.at(reached, slot, spent[pair_buyer])
    return Revenue(
        who=who,
        orders=np.diff(np.r_[starts, len(pr)]).astype(np.int64),
        gmv=per(amount[attributed]),
        commission=per(np.asarray(snap.p_commission)[attributed]),
        buyers=np.bincount(slot, minlength=len(who)).astype(np.int64),
        outside_orders=per(~member),
        reached_gmv=reached,
    )
