"""Coverage vs conversion and the conversion tables, on hand-made funnels (no server)."""

from __future__ import annotations

import json

import pytest
from rich.console import Console

from refnet.api.render import conversion as render
from refnet.api.render import to_json
from refnet.graph.errors import BadInput
from refnet.queries.conversion import (
    ConversionReport,
    FirstPurchase,
    Funnel,
    coverage_vs_conversion,
)


def promoter(key: str, clicks: int, clickers: int, converted: int, gmv: int) -> Funnel:
    return Funnel(key=key, shares=1, clicks=clicks, clickers=clickers, purchases=converted,
                  buyers=converted, outside_orders=0, converted=converted,
                  converting_clickers=converted, gmv=gmv, commission=gmv // 10,
                  click_through=float(clicks), conversion=converted / clicks if clicks else None,
                  clicker_conversion=converted / clickers if clickers else None)


# GMV follows conversion exactly and runs against reach; "lucky" converts 1 of 1.
PROMOTERS = [
    promoter("wide", clicks=100, clickers=90, converted=5, gmv=500),
    promoter("mid", clicks=50, clickers=40, converted=10, gmv=1_000),
    promoter("close", clicks=30, clickers=20, converted=9, gmv=2_000),
    promoter("tight", clicks=25, clickers=10, converted=10, gmv=3_000),
    promoter("lucky", clicks=1, clickers=1, converted=1, gmv=100),
    promoter("silent", clicks=0, clickers=0, converted=0, gmv=0),
]


def test_ranks_side_by_side_above_the_floor() -> None:
    c = coverage_vs_conversion(PROMOTERS, top=3, min_clicks=20)
    assert c.ranked == 4  # lucky and silent are under the floor
    assert [r.promoter for r in c.by_reach] == ["wide", "mid", "close"]
    assert [r.promoter for r in c.by_conversion] == ["tight", "close", "mid"]
    assert [(r.reach_rank, r.conversion_rank) for r in c.by_conversion] == [
        (4, 1), (3, 2), (2, 3)]
    assert c.reach_gmv_spearman == pytest.approx(-1.0)
    assert c.conversion_gmv_spearman == pytest.approx(1.0)
    assert (c.top_reach_gmv, c.top_conversion_gmv) == (3_500, 6_000)
    assert c.focus is None


def test_without_a_floor_one_lucky_click_tops_the_conversion_list() -> None:
    c = coverage_vs_conversion(PROMOTERS, top=2, min_clicks=1, focus="lucky")
    assert c.ranked == 5  # a promoter with no click is never ranked
    assert c.by_conversion[0].promoter == "lucky"
    assert c.focus is not None and (c.focus.reach_rank, c.focus.conversion_rank) == (5, 1)


def test_correlation_needs_three_promoters_and_some_spread() -> None:
    assert coverage_vs_conversion(PROMOTERS[:2], min_clicks=1).reach_gmv_spearman is None
    flat = [promoter(k, 30, 20, 3, 900) for k in "abc"]
    c = coverage_vs_conversion(flat, min_clicks=1)
    assert (c.reach_gmv_spearman, c.conversion_gmv_spearman) == (None, None)
    assert [r.promoter for r in c.by_reach] == ["a", "b", "c"]  # ties break on id


def test_ties_break_on_gmv() -> None:
    same = [promoter("a", 40, 30, 4, 100), promoter("b", 40, 30, 4, 900)]
    c = coverage_vs_conversion(same, min_clicks=1)
    assert [r.promoter for r in c.by_reach] == [r.promoter for r in c.by_conversion] == ["b", "a"]


@pytest.mark.parametrize(("top", "floor"),
                         [(0, 20), (-1, 20), (True, 20), (10_001, 20), (5, 0), (5, 2.5)])
def test_bad_limits(top: int, floor: int) -> None:
    with pytest.raises(BadInput):
        coverage_vs_conversion(PROMOTERS, top=top, min_clicks=floor)


def report() -> ConversionReport:
    overall = promoter("all", clicks=205, clickers=160, converted=34, gmv=6_600_050)
    return ConversionReport(
        window={"since": "2026-10-01T00:00:00+00:00", "as_of": "2026-10-31T00:00:00+00:00",
                "days": 30.0},
        promoter_id=None, group_by="promoter", overall=overall, groups=PROMOTERS[:3],
        group_count=6, other_purchases=3, other_gmv=12_345, other_commission=1_234,
        first_purchase=FirstPurchase(members=1_200, bought=400, never_bought=790,
                                     bought_before_joining=10, q1_days=0.5,
                                     median_days=3.25, q3_days=40.0),
        coverage=coverage_vs_conversion(PROMOTERS, top=3, min_clicks=20, focus="tight"),
    )


def test_tables_show_money_rates_and_units() -> None:
    console = Console(width=160, record=True)
    for table in render.tables(report()):
        console.print(table)
    text = console.export_text()
    for expected in ("¥66,000.50", "16.6%", "1,200", "3.2", "3 of 6", "GMV (¥)",
                     "Spearman with GMV: reach -1.00, conversion +1.00", "tight (#1)",
                     "¥123.45 GMV", "(days)"):
        assert expected in text, expected


def test_json_keeps_minor_units_and_nulls() -> None:
    data = json.loads(to_json(report()))
    assert data["overall"]["gmv"] == 6_600_050
    assert data["groups"][0]["key"] == "wide"
    assert data["coverage"]["focus"]["promoter"] == "tight"
    assert data["first_purchase"]["median_days"] == 3.25
