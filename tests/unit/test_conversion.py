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


# -- the snapshot's column helpers (no server) ----------------------------------------------


def test_quartiles_are_numpys_linear_percentiles() -> None:
    import numpy as np

    from refnet.queries.conversion.columns import FirstWaits

    rng = np.random.default_rng(7)
    for size in (1, 2, 3, 4, 7, 50):
        waits = np.sort(rng.integers(0, 10**10, size))
        w = FirstWaits(members=size, before_joining=0, waits=waits)
        for q in (0.25, 0.5, 0.75):
            assert w.quartile(q) == pytest.approx(float(np.percentile(waits, q * 100)),
                                                  rel=1e-15)
    assert FirstWaits(members=3, before_joining=1, waits=np.zeros(0)).quartile(0.5) is None


def test_levels_by_pointer_jumping_equal_the_walk_up() -> None:
    """Every member's level as of an instant: the vectorised pointer jumping agrees with
    walking up the parent column one member at a time, on a random forest."""
    import numpy as np

    from refnet.queries.conversion.columns import levels, member_level

    rng = np.random.default_rng(3)
    n = 400
    parent = np.array([-1 if i == 0 or rng.random() < 0.05 else int(rng.integers(
        max(0, i - 30), i)) for i in range(n)])
    depth = np.zeros(n, dtype=np.int64)
    for i in range(1, n):
        depth[i] = 0 if parent[i] < 0 else depth[parent[i]] + 1
    ref_at = np.where(parent < 0, np.iinfo(np.int64).min, rng.integers(0, 100, n))

    class Forest:  # the three columns levels() reads
        pass

    snap = Forest()
    snap.members, snap.parent, snap.ref_at, snap.depth = n, parent, ref_at, depth  # type: ignore[attr-defined]
    for as_of in (0, 30, 70, 200):
        got = levels(snap, as_of)  # type: ignore[arg-type]
        assert got.tolist() == [member_level(snap, i, as_of) for i in range(n)]  # type: ignore[arg-type]
