"""The conversion question's answer: funnels, coverage vs conversion, first purchases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ConversionReport", "CoverageVsConversion", "FirstPurchase", "Funnel", "Ranked"]


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
    data_version: str | None = None  # the data version answered from
