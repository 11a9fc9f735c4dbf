"""What-if: the same purchases paid under another policy, and who gains or loses how much.

The model pays each purchase's commission to one member, its promoter
(``ATTRIBUTED_TO``), and keeps no per-level payouts (see ``structure``). A scenario
recomputes who would be paid each paid or settled purchase of the window whose promoter
is inside the scope, and nothing else changes (no member, referral or sale is added):

* ``entry_packages = False``: entry-package purchases do not happen; their commission
  is paid to nobody (``removed_commission``), their amount is ``removed_gmv``.
* ``max_levels = L``: a purchase by a member whose promoter sits ``d > L`` levels above
  the buyer pays its promoter nothing. With ``reassign`` the commission goes instead to
  the buyer's upline ``L`` levels above (the farthest member the cap still pays, on
  the chain between the two: ``moved_commission``); without, to nobody
  (``dropped_commission``). Purchases by outside buyers, by the promoter itself, or by a
  member not below the promoter are retail and keep their commission.

So ``whatif_commission = commission - removed_commission - dropped_commission``, and the
members' gains less their losses is ``whatif_commission - commission``. Levels count
from the scope's organizer (level 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .context import COUNTED, Context
from .policy import Policy

__all__ = ["LevelChange", "MemberChange", "Scenario", "WhatIf", "simulate"]


@dataclass(frozen=True)
class Scenario:
    """The alternative policy a what-if applies to the same purchases."""

    name: str  # what the scenario is called (the policy it comes from)
    max_levels: int | None  # commission reaches at most this many levels; null: no cap
    entry_packages: bool  # false: entry-package purchases are removed
    reassign: bool  # commission beyond the cap goes to the buyer's upline at the cap

    @staticmethod
    def of(policy: Policy, *, entry_packages: bool = True, reassign: bool = False) -> Scenario:
        """The scenario of ``policy``'s commission levels."""
        return Scenario(policy.name, policy.max_commission_levels, entry_packages, reassign)


@dataclass(frozen=True)
class MemberChange:
    """One member's commission as paid and under the scenario."""

    member: str  # the member's id
    level: int  # the member's level, the organizer's first
    commission: int  # commission paid to the member in the window (the data)
    whatif_commission: int  # what the scenario pays the member
    delta_commission: int  # whatif_commission - commission: a gain above 0, a loss below
    purchases: int  # purchases whose commission moves to or from the member


@dataclass(frozen=True)
class LevelChange:
    """One level's commission as paid and under the scenario."""

    level: int  # the level, the organizer's first
    members: int  # members on it
    commission: int  # paid to them in the window (the data)
    whatif_commission: int  # what the scenario pays them
    delta_commission: int  # whatif_commission - commission
    gainers: int  # members on it who gain
    losers: int  # members on it who lose


@dataclass(frozen=True)
class WhatIf:
    """Who gains and who loses how much when the same purchases are paid under another
    policy: totals, per level, and the members who gain and lose most."""

    scenario: Scenario
    root: str | None  # the organizer of the scope; null for the whole network
    since: int
    as_of: int
    purchases: int  # paid or settled purchases of the window inside the scope
    changed_purchases: int  # whose commission goes elsewhere or nowhere
    removed_purchases: int  # entry packages the scenario removes
    removed_gmv: int  # their amount
    commission: int  # paid in the data
    whatif_commission: int  # paid under the scenario
    removed_commission: int  # on removed entry packages
    dropped_commission: int  # beyond the cap, paid to nobody
    moved_commission: int  # beyond the cap, paid to the buyer's upline at the cap
    gained_commission: int  # the sum of the gains
    lost_commission: int  # the sum of the losses (a positive amount)
    gainers: int  # members who gain
    losers: int  # members who lose
    per_level: list[LevelChange]
    top_gainers: list[MemberChange]  # most gained first
    top_losers: list[MemberChange]  # most lost first


def simulate(ctx: Context, scenario: Scenario, top: int = 20) -> WhatIf:
    """``scenario`` applied to the window's purchases of ``ctx``'s scope (see the module)."""
    f, snap, w = ctx.f, ctx.f.snap, ctx.window
    span = f.promoted()
    at = np.asarray(snap.p_at[span])
    promoter = f.local(np.asarray(snap.p_promoter[span], dtype=np.int64))
    keep = (np.isin(snap.p_status[span], snap.status_codes(*COUNTED)) & (at > w.start)
            & (at <= w.end) & (promoter >= 0))
    keep[keep] = ctx.scope.org(promoter[keep]) >= 0
    rows = np.flatnonzero(keep) + span.start
    promoter = promoter[keep]
    buyer = f.local(np.asarray(snap.p_buyer, dtype=np.int64)[rows])
    commission = np.asarray(snap.p_commission, dtype=np.int64)[rows]
    amount = np.asarray(snap.p_amount, dtype=np.int64)[rows]
    entry = np.asarray(snap.p_entry)[rows] == 1

    paid_to = promoter.copy()
    removed = entry if not scenario.entry_packages else np.zeros(len(rows), dtype=bool)
    paid_to[removed] = -1
    b = np.maximum(buyer, 0)
    below = ((buyer >= 0) & (buyer != promoter) & (f.pos[b] >= 0)
             & (f.pos[promoter] < f.pos[b]) & (f.pos[b] <= f.pos[promoter] + f.size[promoter]))
    dropped = np.zeros(len(rows), dtype=bool)
    moved = np.zeros(len(rows), dtype=bool)
    if scenario.max_levels is not None:
        over = below & ~removed & (f.depth[b] - f.depth[promoter] > scenario.max_levels)
        if scenario.reassign:
            upline = b[over]
            for _ in range(scenario.max_levels):
                upline = f.ep[upline]
            paid_to[over] = upline
            moved = over
        else:
            paid_to[over] = -1
            dropped = over

    n = f.n
    before = np.zeros(n, dtype=np.int64)  # integer sums: money stays exact
    np.add.at(before, promoter, commission)
    got = paid_to >= 0
    after = np.zeros(n, dtype=np.int64)
    np.add.at(after, paid_to[got], commission[got])
    changed = removed | dropped | moved
    touched = np.bincount(promoter[changed], minlength=n) + np.bincount(
        paid_to[changed & got], minlength=n)
    delta = after - before
    members = ctx.scope.members
    level = np.zeros(n, dtype=np.int64)
    level[members] = np.asarray(ctx.scope.level(members)) + 1

    def change(v: int) -> MemberChange:
        return MemberChange(f.id(v), int(level[v]), int(before[v]), int(after[v]),
                            int(delta[v]), int(touched[v]))

    up = members[delta[members] > 0]
    down = members[delta[members] < 0]
    up = up[np.lexsort((f.rank[up], -delta[up]))][:top]
    down = down[np.lexsort((f.rank[down], delta[down]))][:top]
    per_level = []
    for lv in range(1, int(level[members].max()) + 1 if len(members) else 1):
        on = members[level[members] == lv]
        per_level.append(LevelChange(
            lv, len(on), int(before[on].sum()), int(after[on].sum()), int(delta[on].sum()),
            int((delta[on] > 0).sum()), int((delta[on] < 0).sum())))
    return WhatIf(
        scenario, None if ctx.scope.whole else f.id(int(ctx.scope.top)), w.start, w.end,
        len(rows), int(changed.sum()), int(removed.sum()), int(amount[removed].sum()),
        int(commission.sum()), int(commission[got].sum()), int(commission[removed].sum()),
        int(commission[dropped].sum()), int(commission[moved].sum()),
        int(delta[members][delta[members] > 0].sum()),
        int(-delta[members][delta[members] < 0].sum()),
        int((delta[members] > 0).sum()), int((delta[members] < 0).sum()),
        per_level, [change(int(v)) for v in up], [change(int(v)) for v in down])
