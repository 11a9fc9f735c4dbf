"""The oracle: the conversion funnel through the Cypher aggregations the snapshot replaced.

The product answers from the analytic snapshot (``refnet.queries.conversion``); this is
the same question as ten Cypher steps, kept so that property tests can hold every number
of the snapshot's answer equal to it. The Cypher files beside it are its steps (the test
code registers this root with ``refnet.graph.cypher.add_root("tests.oracle")``). The team
scope is ``downline.team_cypher``, the Cypher team walk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final, Literal

from refnet.graph.errors import BadInput, NotFound
from refnet.graph.store import GraphStore
from refnet.queries.conversion import (
    DEFAULT_TOP,
    GROUPS,
    MIN_CLICKS,
    NO_CHANNEL,
    TRUST_BUCKETS,
    ConversionReport,
    FirstPurchase,
    Funnel,
    coverage_vs_conversion,
)
from refnet.queries.conversion.funnel import _COUNTS
from refnet.queries.params import MAX_TOP
from refnet.queries.stats import ratio
from refnet.queries.window import DAY_MS, Window
from tests.oracle.downline import team_cypher

__all__ = ["first_purchase", "funnel", "split"]

Group = Literal["promoter", "trust", "level", "channel"]
# The queries behind each grouping's funnel; promoter, channel and "all" share theirs
# ($group picks the key). Trust buckets split clicks and purchases, not shares.
_STEPS: Final = {
    "promoter": ("conversion/shares", "conversion/clicks", "conversion/purchases"),
    "level": ("conversion/level_shares", "conversion/level_clicks",
              "conversion/level_purchases"),
    "trust": ("conversion/trust_clicks", "conversion/trust_purchases"),
}




def funnel(store: GraphStore, window: Window, *, promoter_id: str | None = None,
           group_by: Group = "promoter", top: int = DEFAULT_TOP,
           min_clicks: int = MIN_CLICKS, root_id: str | None = None) -> ConversionReport:
    """The overall funnel, one split of it, time to first purchase, coverage vs conversion.

    ``promoter_id`` restricts the funnels and the time to first purchase (to the members
    that promoter recruited) to one promoter; coverage vs conversion still ranks every
    promoter, and marks this one as ``focus``. ``top`` cuts the promoter split and the
    coverage lists.

    ``root_id`` makes it one team's report: only the shares of ``root_id``'s downline
    (and the clicks and purchases through them, whoever made them; no one outside is
    named), time to first purchase over the team, levels counted from ``root_id``, and
    coverage vs conversion ranking the team's promoters.
    """
    if group_by not in GROUPS:
        raise BadInput(f"cannot split conversion by {group_by!r}; choose one of "
                       f"{', '.join(GROUPS)}")
    _check_top(top, min_clicks)
    _check_promoter(store, promoter_id)
    team = team_cypher(store, root_id, window.as_of) if root_id is not None else None
    if team is not None and promoter_id is not None and promoter_id not in team:
        raise BadInput(f"promoter {promoter_id!r} is not in {root_id!r}'s downline")
    scope = _Scope(team, _root_level(store, window, root_id))
    everyone = _funnels(store, window, "promoter", scope.promoters)
    if promoter_id is None:
        [overall] = _funnels(store, window, "all", scope.promoters)
    else:  # one promoter's funnel is their row of the per-promoter split
        mine = [f for f in everyone if f.key == promoter_id] or [_funnel(promoter_id, {})]
        overall = replace(mine[0], key="all")
    if group_by == "promoter":
        groups = [f for f in everyone if promoter_id is None or f.key == promoter_id]
        groups.sort(key=_by_income)
    else:
        groups = _split(store, window, group_by, scope.narrowed(promoter_id))
    other = store.run("conversion/other_purchases",
                      {**window.params(),
                       "promoters": scope.narrowed(promoter_id).promoters}).single()
    return ConversionReport(
        window=window.describe(),
        promoter_id=promoter_id,
        root_id=root_id,
        group_by=group_by,
        overall=overall,
        groups=groups[:top] if group_by == "promoter" else groups,
        group_count=len(groups),
        other_purchases=int(other["purchases"] or 0),
        other_gmv=int(other["gmv"] or 0),
        other_commission=int(other["commission"] or 0),
        first_purchase=_first_purchase(store, window, promoter_id, team),
        coverage=coverage_vs_conversion(everyone, top=top, min_clicks=min_clicks,
                                        focus=promoter_id),
    )


@dataclass(frozen=True)
class _Scope:
    """Whose shares a report counts (None: everyone's) and the level its levels start at."""

    promoters: list[str] | None = None
    base_level: int = 0

    def narrowed(self, promoter_id: str | None) -> _Scope:
        return self if promoter_id is None else replace(self, promoters=[promoter_id])


def _root_level(store: GraphStore, window: Window, root_id: str | None) -> int:
    if root_id is None:
        return 0
    level = store.run("conversion/member_level", {"id": root_id, "as_of": window.as_of}).scalar()
    return int(level or 0)


def split(store: GraphStore, window: Window, group_by: Group, *,
          promoter_id: str | None = None) -> list[Funnel]:
    """Every slice of the funnel by promoter, trust bucket, level or channel, in order.

    Promoters come by GMV (then purchases, clicks, id), trust buckets from none to
    (0.75, 1] then self and outside, levels from the root down, channels by clicks.
    """
    if group_by not in GROUPS:
        raise BadInput(f"cannot split conversion by {group_by!r}; choose one of "
                       f"{', '.join(GROUPS)}")
    _check_promoter(store, promoter_id)
    return _split(store, window, group_by, _Scope().narrowed(promoter_id))


def first_purchase(store: GraphStore, window: Window, *,
                   promoter_id: str | None = None) -> FirstPurchase:
    """Days from joining to the first paid or settled purchase, as of the window's end."""
    _check_promoter(store, promoter_id)
    return _first_purchase(store, window, promoter_id, None)


def _split(store: GraphStore, window: Window, group_by: str, scope: _Scope) -> list[Funnel]:
    funnels = _funnels(store, window, group_by, scope.promoters, scope.base_level)
    if group_by == "promoter":
        return sorted(funnels, key=_by_income)
    if group_by == "trust":
        order = list(TRUST_BUCKETS.values())
        return sorted(funnels, key=lambda f: order.index(f.key))
    if group_by == "level":
        return sorted(funnels, key=lambda f: int(f.key))
    return sorted(funnels, key=lambda f: (-f.clicks, -(f.shares or 0), f.key))


def _first_purchase(store: GraphStore, window: Window, promoter_id: str | None,
                    team: list[str] | None) -> FirstPurchase:
    if promoter_id is None:
        row = store.run("conversion/first_purchase",
                        {**window.params(), "members": team}).single()
    else:
        row = store.run("conversion/recruits_first_purchase",
                        {**window.params(), "promoter": promoter_id}).single()
    members, bought = int(row["members"] or 0), int(row["bought_after_joining"] or 0)
    before = int(row["before_joining"] or 0)
    return FirstPurchase(
        members=members, bought=bought, never_bought=members - bought - before,
        bought_before_joining=before, q1_days=_days(row["q1"]),
        median_days=_days(row["median"]), q3_days=_days(row["q3"]),
    )


# --- internals ----------------------------------------------------------------------------


def _funnels(store: GraphStore, window: Window, group: str, promoters: list[str] | None,
             base_level: int = 0) -> list[Funnel]:
    """Run the three steps for one grouping and join them on the key."""
    params = {**window.params(), "group": group, "promoters": promoters}
    rows: dict[str, dict[str, int]] = {}
    for name in _STEPS.get(group, _STEPS["promoter"]):
        for record in store.run(name, params).records():
            key = _key(group, record.pop("key"), base_level)
            slot = rows.setdefault(key, {})
            for name, value in record.items():
                slot[name] = int(value or 0)
    if group == "all" and not rows:
        rows["all"] = {}
    return [_funnel(key, counts, has_shares=group != "trust") for key, counts in rows.items()]


def _key(group: str, raw: Any, base_level: int) -> str:
    if group == "trust":
        return TRUST_BUCKETS[raw]
    if group == "level":
        return str(int(raw) - base_level)
    if raw is None:
        return NO_CHANNEL
    return str(raw)


def _funnel(key: str, counts: Mapping[str, int], *, has_shares: bool = True) -> Funnel:
    c = {name: counts.get(name, 0) for name in _COUNTS}
    shares: int | None = c.pop("shares")
    if not has_shares:
        shares = None
    return Funnel(
        key=key, shares=shares, **c,
        click_through=ratio(c["clicks"], shares),
        conversion=ratio(c["converted"], c["clicks"]),
        clicker_conversion=ratio(c["converting_clickers"], c["clickers"]),
    )


def _by_income(f: Funnel) -> tuple[int, int, int, str]:
    return (-f.gmv, -f.purchases, -f.clicks, f.key)


def _days(ms: Any) -> float | None:
    return None if ms is None else float(ms) / DAY_MS


def _check_top(top: int, min_clicks: int) -> None:
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
        raise BadInput(f"top must be a whole number from 1 to {MAX_TOP:,}, got {top!r}")
    if isinstance(min_clicks, bool) or not isinstance(min_clicks, int) or min_clicks < 1:
        raise BadInput(f"the minimum clicks to rank a promoter must be at least 1, "
                       f"got {min_clicks!r}")


def _check_promoter(store: GraphStore, promoter_id: str | None) -> None:
    if promoter_id is None:
        return
    if not isinstance(promoter_id, str) or not promoter_id.strip():
        raise BadInput(f"a promoter id is a non-empty string, got {promoter_id!r}")
    if not store.run("conversion/promoter", {"id": promoter_id}).rows:
        raise NotFound(f"no member {promoter_id!r} in this graph")
