"""Conversion: shares → clicks → purchases, per promoter and split by trust, level, channel.

The source material's claim is that trust drives conversion, so conversion, not
coverage, drives income; this question measures both so the claim can be checked on a
network's own data. Definitions (every count is over the window ``since < t <= as_of``):

* **shares**: Share nodes made in the window.
* **clicks**: CLICKED edges in the window on the promoters' shares, whenever the share
  was made; **clickers**: the distinct members among them.
* **purchases**: paid or settled purchases in the window that came VIA one of the
  promoters' shares (the funnel follows the share, whoever the order is attributed to);
  **buyers**: the distinct members who made them; **outside orders**: those with no buyer
  (a non-member, whose click the export cannot record). GMV and commission are theirs.
* **converted**: purchases whose buyer clicked that same share at or before buying;
  **converting clickers**: the distinct members among their buyers.
* **click-through** = clicks / shares. Social e-commerce has no impressions (a share
  into a WeChat group is seen by an unknown number of people), so this is clicks per
  share, not a CTR over views.
* **conversion** = converted / clicks and **clicker conversion** = converting clickers /
  clickers. Outside orders and self-purchases have no click, so they are not counted as
  conversions (a rate with them could pass 100%); they stay in purchases and GMV.
* Rates are None when the denominator is 0.

Splits: **trust** buckets a click by the weight of the viewer's TRUSTS edge to the
promoter as it stood at the click (``since`` before it): none (no edge or weight 0),
(0, 0.25], (0.25, 0.5], (0.5, 0.75], (0.75, 1], plus *self* (the promoter) and
*outside* (no buyer). A tie formed after the click, such as the one a purchase creates,
is ignored: counting it would make purchases look like the effect of trust they caused.
**level** is the promoter's depth in its referral tree as of ``as_of`` (root = 0);
**channel** is the share's channel. Purchases through no share (orders by buyers locked
to a promoter, entry packages) are outside the funnel; the report totals them apart.

**Time to first purchase**: per member who joined by ``as_of`` (no stubs), their first
paid or settled purchase at or before ``as_of`` minus ``joined_at``, in days; for one
promoter, over the members they recruited. A first purchase before joining (a customer
recruited later) is counted apart, not as a negative wait.

**Coverage vs conversion**: promoters with at least ``min_clicks`` clicks (default 20,
so that 1 purchase from 1 click does not top the list) ranked by reach (clickers) and by
conversion side by side, with each measure's Spearman correlation with the promoters'
share GMV.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final, Literal

from scipy import stats

from refnet.graph.errors import BadInput, NotFound
from refnet.graph.store import GraphStore
from refnet.queries import downline
from refnet.queries.window import DAY_MS, Window

__all__ = [
    "GROUPS",
    "MAX_TOP",
    "MIN_CLICKS",
    "TRUST_BUCKETS",
    "ConversionReport",
    "CoverageVsConversion",
    "FirstPurchase",
    "Funnel",
    "Ranked",
    "coverage_vs_conversion",
    "first_purchase",
    "funnel",
    "split",
]

Group = Literal["promoter", "trust", "level", "channel"]
GROUPS: Final = ("promoter", "trust", "level", "channel")
MIN_CLICKS: Final = 20
DEFAULT_TOP: Final = 20
MAX_TOP: Final = 1_000
NO_CHANNEL: Final = "(none)"
# Cypher bucket codes -> the labels results carry, in display order.
TRUST_BUCKETS: Final = {
    "none": "none", "q1": "(0, 0.25]", "q2": "(0.25, 0.5]", "q3": "(0.5, 0.75]",
    "q4": "(0.75, 1]", "self": "self", "outside": "outside",
}
# The queries behind each grouping's funnel; promoter, channel and "all" share theirs
# ($group picks the key). Trust buckets split clicks and purchases, not shares.
_STEPS: Final = {
    "promoter": ("conversion/shares", "conversion/clicks", "conversion/purchases"),
    "level": ("conversion/level_shares", "conversion/level_clicks",
              "conversion/level_purchases"),
    "trust": ("conversion/trust_clicks", "conversion/trust_purchases"),
}
_COUNTS: Final = ("shares", "clicks", "clickers", "purchases", "buyers", "outside_orders",
                  "converted", "converting_clickers", "gmv", "commission")


@dataclass(frozen=True)
class Funnel:
    """One funnel: shares → clicks → purchases, with money and rates (see module doc).

    ``key`` names the slice: "all", a promoter id, a trust bucket, a level ("0" is a
    root) or a channel. ``shares`` is None for trust buckets, which split clicks and
    purchases, not shares.
    """

    key: str
    shares: int | None
    clicks: int
    clickers: int
    purchases: int
    buyers: int
    outside_orders: int
    converted: int
    converting_clickers: int
    gmv: int  # minor units
    commission: int  # minor units
    click_through: float | None  # clicks per share
    conversion: float | None  # converted / clicks
    clicker_conversion: float | None  # converting clickers / clickers


@dataclass(frozen=True)
class Ranked:
    """A promoter on the coverage-vs-conversion lists, with its rank on both."""

    promoter: str
    clickers: int  # reach
    clicks: int
    converted: int
    conversion: float | None
    gmv: int
    reach_rank: int  # 1 = most clickers among the ranked promoters
    conversion_rank: int  # 1 = best conversion among the ranked promoters


@dataclass(frozen=True)
class CoverageVsConversion:
    """Who reaches most and who converts best, and which of the two tracks GMV.

    Only promoters with at least ``min_clicks`` clicks in the window are ranked.
    Correlations are Spearman's rho over them (None for fewer than 3 or a constant
    measure). ``focus`` is the promoter a report was restricted to, if ranked.
    """

    min_clicks: int
    ranked: int
    by_reach: list[Ranked]
    by_conversion: list[Ranked]
    reach_gmv_spearman: float | None
    conversion_gmv_spearman: float | None
    top_reach_gmv: int  # GMV of the by_reach list's promoters
    top_conversion_gmv: int  # GMV of the by_conversion list's promoters
    focus: Ranked | None = None


@dataclass(frozen=True)
class FirstPurchase:
    """How long members take from joining to their first paid or settled purchase."""

    members: int  # joined by as_of (no stubs); with a promoter, that promoter's recruits
    bought: int  # first purchase at or after joining
    never_bought: int
    bought_before_joining: int  # first purchase predates joining: not in the quartiles
    q1_days: float | None
    median_days: float | None
    q3_days: float | None


@dataclass(frozen=True)
class ConversionReport:
    """The conversion question's answer for one window (and optionally one promoter)."""

    window: dict[str, Any]
    promoter_id: str | None
    group_by: str
    overall: Funnel
    groups: list[Funnel]  # the split asked for; for promoters the top ones by GMV
    group_count: int  # slices in the split before ``top`` cut it
    other_purchases: int  # paid or settled purchases in the window through no share
    other_gmv: int
    other_commission: int
    first_purchase: FirstPurchase
    coverage: CoverageVsConversion
    root_id: str | None = None  # the team (this member's downline) it covers; None: all


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
    team = downline.team(store, root_id) if root_id is not None else None
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


def coverage_vs_conversion(promoters: Iterable[Funnel], *, top: int = DEFAULT_TOP,
                           min_clicks: int = MIN_CLICKS,
                           focus: str | None = None) -> CoverageVsConversion:
    """Rank promoters (per-promoter funnels) by reach and by conversion, side by side.

    Only promoters with ``min_clicks`` clicks or more take part: below that a rate is
    mostly luck (1 purchase from 1 click is 100%). Ties break on GMV, then id.
    """
    _check_top(top, min_clicks)
    pool = [f for f in promoters if f.clicks >= min_clicks and f.clicks > 0]
    reach = sorted(pool, key=lambda f: (-f.clickers, -f.gmv, f.key))
    conv = sorted(pool, key=lambda f: (-(f.conversion or 0.0), -f.gmv, f.key))
    reach_rank = {f.key: i for i, f in enumerate(reach, 1)}
    conv_rank = {f.key: i for i, f in enumerate(conv, 1)}

    def ranked(f: Funnel) -> Ranked:
        return Ranked(f.key, f.clickers, f.clicks, f.converted, f.conversion, f.gmv,
                      reach_rank[f.key], conv_rank[f.key])

    gmv = [f.gmv for f in pool]
    return CoverageVsConversion(
        min_clicks=min_clicks,
        ranked=len(pool),
        by_reach=[ranked(f) for f in reach[:top]],
        by_conversion=[ranked(f) for f in conv[:top]],
        reach_gmv_spearman=_spearman([f.clickers for f in pool], gmv),
        conversion_gmv_spearman=_spearman([f.conversion or 0.0 for f in pool], gmv),
        top_reach_gmv=sum(f.gmv for f in reach[:top]),
        top_conversion_gmv=sum(f.gmv for f in conv[:top]),
        focus=ranked(next(f for f in pool if f.key == focus))
        if focus in reach_rank else None,
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
        click_through=_rate(c["clicks"], shares),
        conversion=_rate(c["converted"], c["clicks"]),
        clicker_conversion=_rate(c["converting_clickers"], c["clickers"]),
    )


def _by_income(f: Funnel) -> tuple[int, int, int, str]:
    return (-f.gmv, -f.purchases, -f.clicks, f.key)


def _rate(num: int, den: int | None) -> float | None:
    return num / den if den else None


def _days(ms: Any) -> float | None:
    return None if ms is None else float(ms) / DAY_MS


def _spearman(x: list[float], y: list[int]) -> float | None:
    """Spearman's rho, or None when it is undefined (fewer than 3 points, a constant)."""
    if len(x) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rho = stats.spearmanr(x, y).statistic
    return None if rho is None or math.isnan(rho) else float(rho)


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
