"""The conversion question as tables: the funnel, its split, coverage vs conversion,
and the time from joining to a first purchase."""

from __future__ import annotations

from rich.table import Table

from refnet.api.formats import count as _count
from refnet.api.language import _
from refnet.api.render import columns, key_values, money, percent, shown
from refnet.queries.conversion import ConversionReport, CoverageVsConversion, FirstPurchase

__all__ = [
    "brief", "coverage_table", "first_purchase_table", "funnel_table", "split_table", "tables",
]



def _split_titles() -> dict[str, tuple[str, str]]:
    """Each split's title and key column, in the language chosen when asked."""
    return {
        "promoter": (_("By promoter (top by GMV)"), _("promoter")),
        "trust": (_("By trust of the clicker in the promoter (TRUSTS weight at the click)"),
                  _("trust weight")),
        "level": (_("By the promoter's level (0 = an organization's root)"), _("level")),
        "channel": (_("By channel"), _("channel")),
    }


def tables(result: ConversionReport) -> list[Table]:
    """Every table of a conversion report, in reading order."""
    return [funnel_table(result), split_table(result), coverage_table(result.coverage),
            first_purchase_table(result.first_purchase)]


def brief(result: ConversionReport) -> list[Table]:
    """The overall funnel and its split: what ``refnet demo`` shows."""
    return [funnel_table(result), split_table(result)]


def _ratio(x: float | None) -> str:
    return "—" if x is None else f"{x:,.2f}"


def funnel_table(result: ConversionReport) -> Table:
    since, as_of = shown(result.window)
    who = (_(" for promoter {promoter}").format(promoter=result.promoter_id)
           if result.promoter_id else "")
    if result.root_id:
        who += _(" within {root}'s downline").format(root=result.root_id)
    f = result.overall
    return key_values(_("Conversion{who}, {since} < t ≤ {as_of}").format(
        who=who, since=since, as_of=as_of), [
        (_("Shares"), _count(f.shares), _("made in the window")),
        (_("Clicks"), _count(f.clicks), _("on the promoters' shares")),
        (_("Unique clickers"), _count(f.clickers), _("members")),
        (_("Clicks per share"), _ratio(f.click_through), _("no impressions exist: not a CTR")),
        (_("Purchases"), _count(f.purchases), _("paid or settled, through a share")),
        (_("  buyers"), _count(f.buyers), _("distinct members")),
        (_("  outside orders"), _count(f.outside_orders), _("no member buyer")),
        (_("  converted"), _count(f.converted), _("the buyer clicked that share first")),
        (_("Conversion"), percent(f.conversion), _("converted / clicks")),
        (_("Clicker conversion"), percent(f.clicker_conversion),
         _("converting clickers / unique clickers")),
        (_("GMV"), money(f.gmv), _("through shares")),
        (_("Commission"), money(f.commission), _("through shares")),
        (_("Other purchases"), _count(result.other_purchases),
         _("through no share: {gmv} GMV").format(gmv=money(result.other_gmv))),
    ])


def split_table(result: ConversionReport) -> Table:
    group = result.group_by
    shown = len(result.groups)
    more = (_(" — {shown} of {all}").format(shown=f"{shown:,}", all=f"{result.group_count:,}")
            if shown < result.group_count else "")
    title, key = _split_titles().get(group, (group, group))
    table = Table(title=title + more, title_justify="left")
    table.add_column(key, justify="right" if group == "level" else "left")
    names = {"shares": _("shares"), "clicks": _("clicks"), "clickers": _("clickers"),
             "clicks/share": _("clicks/share"), "purchases": _("purchases"),
             "converted": _("converted"), "outside": _("outside"), "GMV (¥)": _("GMV (¥)"),
             "conversion": _("conversion"), "clicker conv.": _("clicker conv.")}
    shown_columns = [c for c in names if group != "trust" or c not in ("shares", "clicks/share")]
    columns(table, [names[c] for c in shown_columns])
    for f in result.groups:
        cells = {
            "shares": _count(f.shares), "clicks": _count(f.clicks),
            "clickers": _count(f.clickers), "clicks/share": _ratio(f.click_through),
            "purchases": _count(f.purchases), "converted": _count(f.converted),
            "outside": _count(f.outside_orders), "GMV (¥)": money(f.gmv),
            "conversion": percent(f.conversion),
            "clicker conv.": percent(f.clicker_conversion),
        }
        table.add_row(f.key, *(cells[c] for c in shown_columns))
    return table


def _rho(x: float | None) -> str:
    return "—" if x is None else f"{x:+.2f}"


def coverage_table(c: CoverageVsConversion) -> Table:
    """The top promoters by reach beside the top by conversion, rank by rank."""
    table = Table(
        title=_("Coverage vs conversion: {n} promoters with ≥ {clicks} clicks").format(
            n=f"{c.ranked:,}", clicks=f"{c.min_clicks:,}"),
        caption=_("Spearman with GMV: reach {reach}, conversion {conversion}. GMV of the "
                  "lists: {reach_gmv} by reach, {conversion_gmv} by conversion.").format(
            reach=_rho(c.reach_gmv_spearman), conversion=_rho(c.conversion_gmv_spearman),
            reach_gmv=money(c.top_reach_gmv), conversion_gmv=money(c.top_conversion_gmv)),
        title_justify="left", caption_justify="left",
    )
    columns(table, ["#", _("by reach"), _("clickers"), _("conv."), _("GMV (¥)"),
                    _("by conversion"), _("conv."), _("clicks"), _("GMV (¥)")],
            left=(_("by reach"), _("by conversion")))
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
    table = columns(Table(title=_("Time from joining to first purchase (days)"),
                          title_justify="left"),
                    [_("members"), _("bought"), _("never bought"), _("bought before joining"),
                     _("quartile 1"), _("median"), _("quartile 3")])
    table.add_row(f"{fp.members:,}", f"{fp.bought:,}", f"{fp.never_bought:,}",
                  f"{fp.bought_before_joining:,}", _days(fp.q1_days), _days(fp.median_days),
                  _days(fp.q3_days))
    return table
