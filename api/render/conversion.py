"""The conversion question as tables: the funnel, its split, coverage vs conversion,
and the time from joining to a first purchase."""

from __future__ import annotations

from rich.table import Table

from refnet.api.render import money, percent
from refnet.queries.conversion import ConversionReport, CoverageVsConversion, FirstPurchase

__all__ = [
    "brief", "coverage_table", "first_purchase_table", "funnel_table", "split_table", "tables",
]

SPLIT_TITLES = {
    "promoter": "By promoter (top by GMV)",
    "trust": "By trust of the clicker in the promoter (TRUSTS weight at the click)",
    "level": "By the promoter's level (0 = an organization's root)",
    "channel": "By channel",
}
SPLIT_KEYS = {"promoter": "promoter", "trust": "trust weight", "level": "level",
              "channel": "channel"}


def tables(result: ConversionReport) -> list[Table]:
    """Every table of a conversion report, in reading order."""
    return [funnel_table(result), split_table(result), coverage_table(result.coverage),
            first_purchase_table(result.first_purchase)]


def brief(result: ConversionReport) -> list[Table]:
    """The overall funnel and its split: what ``refnet demo`` shows."""
    return [funnel_table(result), split_table(result)]


def _count(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def _ratio(x: float | None) -> str:
    return "—" if x is None else f"{x:,.2f}"


def funnel_table(result: ConversionReport) -> Table:
    w = result.window
    who = f" for promoter {result.promoter_id}" if result.promoter_id else ""
    if result.root_id:
        who += f" within {result.root_id}'s downline"
    table = Table(title=f"Conversion{who}, {w['since']} < t ≤ {w['as_of']}",
                  show_header=False, title_justify="left")
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_column("", style="dim")
    f = result.overall
    rows = [
        ("Shares", _count(f.shares), "made in the window"),
        ("Clicks", _count(f.clicks), "on the promoters' shares"),
        ("Unique clickers", _count(f.clickers), "members"),
        ("Clicks per share", _ratio(f.click_through), "no impressions exist: not a CTR"),
        ("Purchases", _count(f.purchases), "paid or settled, through a share"),
        ("  buyers", _count(f.buyers), "distinct members"),
        ("  outside orders", _count(f.outside_orders), "no member buyer"),
        ("  converted", _count(f.converted), "the buyer clicked that share first"),
        ("Conversion", percent(f.conversion), "converted / clicks"),
        ("Clicker conversion", percent(f.clicker_conversion),
         "converting clickers / unique clickers"),
        ("GMV", money(f.gmv), "through shares"),
        ("Commission", money(f.commission), "through shares"),
        ("Other purchases", _count(result.other_purchases),
         f"through no share: {money(result.other_gmv)} GMV"),
    ]
    for row in rows:
        table.add_row(*row)
    return table


def split_table(result: ConversionReport) -> Table:
    group = result.group_by
    shown = len(result.groups)
    more = f" — {shown:,} of {result.group_count:,}" if shown < result.group_count else ""
    table = Table(title=SPLIT_TITLES.get(group, group) + more, title_justify="left")
    table.add_column(SPLIT_KEYS.get(group, group),
                     justify="right" if group == "level" else "left")
    columns = ["shares", "clicks", "clickers", "clicks/share", "purchases", "converted",
               "outside", "GMV (¥)", "conversion", "clicker conv."]
    if group == "trust":
        columns = [c for c in columns if c not in ("shares", "clicks/share")]
    for name in columns:
        table.add_column(name, justify="right")
    for f in result.groups:
        cells = {
            "shares": _count(f.shares), "clicks": _count(f.clicks),
            "clickers": _count(f.clickers), "clicks/share": _ratio(f.click_through),
            "purchases": _count(f.purchases), "converted": _count(f.converted),
            "outside": _count(f.outside_orders), "GMV (¥)": money(f.gmv),
            "conversion": percent(f.conversion),
            "clicker conv.": percent(f.clicker_conversion),
        }
        table.add_row(f.key, *(cells[c] for c in columns))
    return table


def _rho(x: float | None) -> str:
    return "—" if x is None else f"{x:+.2f}"


def coverage_table(c: CoverageVsConversion) -> Table:
    """The top promoters by reach beside the top by conversion, rank by rank."""
    table = Table(
        title=(f"Coverage vs conversion: {c.ranked:,} promoters with ≥ {c.min_clicks:,} clicks"),
        caption=(f"Spearman with GMV: reach {_rho(c.reach_gmv_spearman)}, conversion "
                 f"{_rho(c.conversion_gmv_spearman)}. GMV of the lists: "
                 f"{money(c.top_reach_gmv)} by reach, {money(c.top_conversion_gmv)} "
                 "by conversion."),
        title_justify="left", caption_justify="left",
    )
    for name, justify in (("#", "right"), ("by reach", "left"), ("clickers", "right"),
                          ("conv.", "right"), ("GMV (¥)", "right"),
                          ("by conversion", "left"), ("conv.", "right"),
                          ("clicks", "right"), ("GMV (¥)", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for i in range(max(len(c.by_reach), len(c.by_conversion))):
        left = c.by_reach[i] if i < len(c.by_reach) else None
        right = c.by_conversion[i] if i < len(c.by_conversion) else None
        table.add_row(
            f"{i + 1:,}",
            *((left.promoter, f"{left.clickers:,}", percent(left.conversion), money(left.gmv))
              if left else ("",) * 4),
            *((right.promoter, percent(right.conversion), f"{right.clicks:,}",
               money(right.gmv)) if right else ("",) * 4),
        )
    if c.focus is not None:
        f = c.focus
        table.add_section()
        table.add_row("", f"{f.promoter} (#{f.reach_rank:,})", f"{f.clickers:,}",
                      percent(f.conversion), money(f.gmv),
                      f"{f.promoter} (#{f.conversion_rank:,})", percent(f.conversion),
                      f"{f.clicks:,}", money(f.gmv))
    return table


def _days(x: float | None) -> str:
    return "—" if x is None else f"{x:,.1f}"


def first_purchase_table(fp: FirstPurchase) -> Table:
    table = Table(title="Time from joining to first purchase (days)", title_justify="left")
    for name in ("members", "bought", "never bought", "bought before joining",
                 "quartile 1", "median", "quartile 3"):
        table.add_column(name, justify="right")
    table.add_row(f"{fp.members:,}", f"{fp.bought:,}", f"{fp.never_bought:,}",
                  f"{fp.bought_before_joining:,}", _days(fp.q1_days), _days(fp.median_days),
                  _days(fp.q3_days))
    return table
