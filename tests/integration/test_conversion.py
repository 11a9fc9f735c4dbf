"""The conversion question on a real embedded store: hand-built funnels with answers
worked out by hand, and the 2,000-member synthetic network against an independent
computation from its canonical CSV files."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.console import Console

from refnet.api.render import conversion as render
from refnet.api.render import to_json
from refnet.graph.errors import BadInput, NotFound
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.queries import conversion
from refnet.queries.conversion import Funnel
from refnet.queries.window import DAY_MS, Window
from tests.graphs import Network, at

# -- a hand-built network ----------------------------------------------------------------
#
# R (root) recruited P; P recruited A, B, C, D; A recruited E; L joins after the window.
# The window is days 8 < t <= 30. P shares s0 (day 5, before it), s1 (day 10) and s2
# (day 12); R shares s3 (day 9). In the window: A, B, C click s1, A and D click s2 (5
# clicks by 4 viewers on P's shares) and P clicks R's s3. A buys through s1 after
# clicking, C buys through s1 after clicking, an outside buyer buys through s2; B's
# purchase was refunded; A's second purchase comes after the window; D buys from P
# without a share (a locked-in order).

WINDOW = Window(at(8), at(30))


def hand_network() -> Network:
    net = Network()
    net.member("R", day=0)
    net.member("P", "R", day=1)
    for i, name in enumerate("ABCD"):
        net.member(name, "P", day=2 + i)
    net.member("E", "A", day=6)
    net.member("L", "P", day=50)
    net.trust("A", "P", 0.9, day=2)
    net.trust("B", "P", 0.3, day=3)
    net.trust("C", "P", 0.6, day=12)  # formed after C's click on day 11: not counted
    net.trust("P", "R", 0.2, day=1)
    net.product("x", price=10_000)
    net.share("s0", "P", "x", day=5, channel="private")
    net.share("s1", "P", "x", day=10, channel="wechat_group")
    net.share("s2", "P", "x", day=12, channel="moments")
    net.share("s3", "R", "x", day=9, channel="live")
    net.click("B", "s0", day=6)  # before the window
    for viewer in "ABC":
        net.click(viewer, "s1", day=11)
    net.click("A", "s2", day=13)
    net.click("D", "s2", day=13)
    net.click("E", "s2", day=31)  # after as_of
    net.click("P", "s3", day=10)
    net.purchase("o1", buyer="A", product="x", promoter="P", share="s1", day=11.5,
                 amount=10_000, commission=1_000)
    net.purchase("o2", buyer="C", product="x", promoter="P", share="s1", day=14,
                 amount=20_000, commission=2_000, status="settled")
    net.purchase("o3", product="x", promoter="P", share="s2", day=14, amount=5_000)
    net.purchase("o4", buyer="B", product="x", promoter="P", share="s1", day=12,
                 amount=10_000, status="refunded")
    net.purchase("o5", buyer="A", product="x", promoter="P", share="s2", day=40,
                 amount=10_000)
    net.purchase("o6", buyer="D", product="x", promoter="P", day=17, amount=7_000,
                 commission=700)
    return net


@pytest.fixture
def hand(store: FalkorDBStore, tmp_path: Path) -> FalkorDBStore:
    hand_network().load(store, tmp_path)
    return store


def counts(f: Funnel) -> dict[str, Any]:
    return {k: v for k, v in vars(f).items()
            if k not in ("click_through", "conversion", "clicker_conversion")}


def by_key(funnels: list[Funnel]) -> dict[str, Funnel]:
    return {f.key: f for f in funnels}


def test_repeat_clicks_are_clicks_and_a_purchase_converts_once(
        store: FalkorDBStore, tmp_path: Path) -> None:
    """Clicks are events: A clicks s1 three times (twice before buying), B once. Clicks
    count every event, clickers each member once, and A's purchase is one conversion,
    not one per click; the trust and level splits agree."""
    net = Network()
    net.member("P", day=0)
    net.member("A", "P", day=1)
    net.member("B", "P", day=1)
    net.trust("A", "P", 0.9, day=1)
    net.share("s1", "P", "x", day=9)
    net.product("x")
    for day in (10, 11, 13):
        net.click("A", "s1", day=day)
    net.click("B", "s1", day=12)
    net.purchase("o1", buyer="A", product="x", promoter="P", share="s1", day=12,
                 amount=10_000)
    net.load(store, tmp_path)
    report = conversion.funnel(store, WINDOW, min_clicks=1)
    o = report.overall
    assert (o.clicks, o.clickers, o.purchases, o.converted, o.converting_clickers) == (
        4, 2, 1, 1, 1)
    assert o.conversion == 0.25
    trust = {f.key: f for f in conversion.funnel(store, WINDOW, group_by="trust",
                                                 min_clicks=1).groups}
    assert (trust["(0.75, 1]"].clicks, trust["(0.75, 1]"].purchases,
            trust["(0.75, 1]"].converted) == (3, 1, 1)
    levels = conversion.funnel(store, WINDOW, group_by="level", min_clicks=1).groups
    assert [(f.clicks, f.purchases, f.converted) for f in levels] == [(4, 1, 1)]


def test_promoter_funnel_counted_by_hand(hand: FalkorDBStore) -> None:
    p = by_key(conversion.split(hand, WINDOW, "promoter"))["P"]
    assert counts(p) == {
        "key": "P", "shares": 2, "clicks": 5, "clickers": 4, "purchases": 3, "buyers": 2,
        "outside_orders": 1, "converted": 2, "converting_clickers": 2, "gmv": 35_000,
        "commission": 3_000,
    }
    assert p.click_through == 2.5  # 5 clicks / 2 shares
    assert p.conversion == 0.4  # 2 converted / 5 clicks
    assert p.clicker_conversion == 0.5  # A and C of A, B, C, D


def test_overall_funnel_other_purchases_and_order(hand: FalkorDBStore) -> None:
    report = conversion.funnel(hand, WINDOW, min_clicks=1)
    assert counts(report.overall) == {
        "key": "all", "shares": 3, "clicks": 6, "clickers": 5, "purchases": 3, "buyers": 2,
        "outside_orders": 1, "converted": 2, "converting_clickers": 2, "gmv": 35_000,
        "commission": 3_000,
    }
    assert report.overall.conversion == pytest.approx(2 / 6)
    assert (report.other_purchases, report.other_gmv, report.other_commission) == (1, 7_000, 700)
    assert [f.key for f in report.groups] == ["P", "R"]  # by GMV
    r = report.groups[1]
    assert (r.shares, r.clicks, r.purchases, r.conversion, r.clicker_conversion) == (
        1, 1, 0, 0.0, 0.0)
    assert report.group_count == 2


def test_trust_buckets_use_the_weight_at_the_click(hand: FalkorDBStore) -> None:
    trust = conversion.split(hand, WINDOW, "trust", promoter_id="P")
    assert [f.key for f in trust] == ["none", "(0.25, 0.5]", "(0.75, 1]", "outside"]
    t = by_key(trust)
    # C's tie to P formed after C clicked: C and D click with no trust; C converted.
    assert (t["none"].clicks, t["none"].clickers, t["none"].converted) == (2, 2, 1)
    assert t["none"].conversion == 0.5 and t["none"].gmv == 20_000
    assert (t["(0.25, 0.5]"].clicks, t["(0.25, 0.5]"].purchases) == (1, 0)
    assert t["(0.25, 0.5]"].conversion == 0.0
    assert (t["(0.75, 1]"].clicks, t["(0.75, 1]"].clickers, t["(0.75, 1]"].converted) == (
        2, 1, 1)
    assert t["(0.75, 1]"].clicker_conversion == 1.0
    assert (t["outside"].purchases, t["outside"].outside_orders, t["outside"].clicks) == (
        1, 1, 0)
    assert t["outside"].conversion is None and t["outside"].shares is None
    everyone = by_key(conversion.split(hand, WINDOW, "trust"))
    assert everyone["(0, 0.25]"].clicks == 1  # P clicking R's share, trust 0.2


def test_by_level_and_channel(hand: FalkorDBStore) -> None:
    levels = conversion.split(hand, WINDOW, "level")
    assert [(f.key, f.shares, f.clicks, f.purchases) for f in levels] == [
        ("0", 1, 1, 0), ("1", 2, 5, 3)]
    channels = by_key(conversion.split(hand, WINDOW, "channel"))
    assert set(channels) == {"wechat_group", "moments", "live"}  # s0 has nothing in it
    assert counts(channels["wechat_group"]) | {"key": ""} == {
        "key": "", "shares": 1, "clicks": 3, "clickers": 3, "purchases": 2, "buyers": 2,
        "outside_orders": 0, "converted": 2, "converting_clickers": 2, "gmv": 30_000,
        "commission": 3_000,
    }
    m = channels["moments"]
    assert (m.shares, m.clicks, m.clickers, m.purchases, m.outside_orders, m.conversion) == (
        1, 2, 2, 1, 1, 0.0)


def test_window_is_half_open_and_as_of_ignores_later_events(hand: FalkorDBStore) -> None:
    # since = day 10 drops s1 (made at exactly day 10); as_of = day 11.5 keeps o1 (at it).
    w = Window(at(10), at(11.5))
    p = by_key(conversion.split(hand, w, "promoter"))["P"]
    assert (p.shares, p.clicks, p.purchases, p.converted, p.gmv) == (0, 3, 1, 1, 10_000)
    assert p.click_through is None  # no share in the window
    # Widening as_of past day 40 brings A's second purchase, through s2 which A clicked.
    later = by_key(conversion.split(hand, Window(at(8), at(45)), "promoter"))["P"]
    assert (later.clicks, later.purchases, later.converted) == (6, 4, 3)


def test_a_click_after_the_purchase_is_not_a_conversion(store: FalkorDBStore,
                                                       tmp_path: Path) -> None:
    net = Network()
    net.member("R")
    net.member("V", "R", day=1)
    net.member("U", "R", day=1)
    net.product("x")
    net.share("s", "R", "x", day=2)
    net.purchase("o1", buyer="V", product="x", promoter="R", share="s", day=3, amount=100)
    net.click("V", "s", day=4)
    net.click("U", "s", day=4)
    net.purchase("o2", buyer="U", product="x", promoter="R", share="s", day=4, amount=100)
    net.load(store, tmp_path)
    [r] = conversion.split(store, Window(at(0), at(10)), "promoter")
    assert (r.clicks, r.purchases, r.buyers, r.converted, r.converting_clickers) == (
        2, 2, 2, 1, 1)  # U clicked and bought at the same instant: converted
    [level] = conversion.split(store, Window(at(0), at(10)), "level")
    assert counts(level) | {"key": "R"} == counts(r)


def test_level_ignores_referrals_after_as_of(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.chain("R", "X", "Y", day=0)
    net.member("Z", "Y", day=20)  # recruited on day 20, though sharing since day 5
    net.product("x")
    net.share("sy", "Y", "x", day=5)
    net.share("sz", "Z", "x", day=5)
    net.load(store, tmp_path)
    # As of day 10 Z had no referrer yet: a root of its own.
    assert [(f.key, f.shares) for f in conversion.split(store, Window(at(1), at(10)),
                                                          "level")] == [("0", 1), ("2", 1)]
    assert [(f.key, f.shares) for f in conversion.split(store, Window(at(1), at(30)),
                                                          "level")] == [("2", 1), ("3", 1)]


def test_time_to_first_purchase(hand: FalkorDBStore) -> None:
    fp = conversion.first_purchase(hand, WINDOW)
    # Joined by day 30: R P A B C D E. First purchases: A 11.5 - 2, C 14 - 4, D 17 - 5 days;
    # B's only purchase was refunded.
    assert (fp.members, fp.bought, fp.never_bought, fp.bought_before_joining) == (7, 3, 4, 0)
    assert (fp.q1_days, fp.median_days, fp.q3_days) == pytest.approx((9.75, 10.0, 11.0))
    early = conversion.first_purchase(hand, Window(at(8), at(16)))
    assert (early.bought, early.median_days) == (2, pytest.approx(9.75))
    mine = conversion.first_purchase(hand, WINDOW, promoter_id="A")  # A recruited E only
    assert (mine.members, mine.bought, mine.median_days) == (1, 0, None)


def test_a_purchase_before_joining_is_counted_apart(store: FalkorDBStore,
                                                    tmp_path: Path) -> None:
    net = Network()
    net.member("R")
    net.member("F", "R", day=20)
    net.member("G", "R", day=1)
    net.purchase("o1", buyer="F", product="x", promoter="R", day=15, amount=100)
    net.purchase("o2", buyer="F", product="x", promoter="R", day=25, amount=100)
    net.purchase("o3", buyer="G", product="x", promoter="R", day=3.5, amount=100)
    net.load(store, tmp_path)
    fp = conversion.first_purchase(store, Window(at(0), at(30)))
    assert (fp.members, fp.bought, fp.bought_before_joining, fp.never_bought) == (3, 1, 1, 1)
    assert fp.median_days == pytest.approx(2.5)


def test_promoter_filter_and_coverage_focus(hand: FalkorDBStore) -> None:
    report = conversion.funnel(hand, WINDOW, promoter_id="P", group_by="channel",
                               min_clicks=1)
    assert counts(report.overall) | {"key": "P"} == counts(
        by_key(conversion.split(hand, WINDOW, "promoter"))["P"])
    assert [(f.key, f.shares, f.clicks) for f in report.groups] == [
        ("wechat_group", 1, 3), ("moments", 1, 2)]  # R's share in "live" is not P's
    assert report.other_purchases == 1  # o6 is attributed to P
    assert report.first_purchase.members == 4  # P's recruits by day 30 (not L)
    c = report.coverage
    assert c.ranked == 2 and c.focus is not None
    assert (c.focus.promoter, c.focus.reach_rank, c.focus.conversion_rank) == ("P", 1, 1)
    assert [r.promoter for r in c.by_reach] == ["P", "R"]
    assert c.reach_gmv_spearman is None  # two promoters: no correlation to speak of
    floor = conversion.funnel(hand, WINDOW, min_clicks=5).coverage
    assert [r.promoter for r in floor.by_conversion] == ["P"]  # R has 1 click


def test_bad_arguments(hand: FalkorDBStore) -> None:
    with pytest.raises(NotFound, match="nobody"):
        conversion.funnel(hand, WINDOW, promoter_id="nobody")
    with pytest.raises(NotFound):
        conversion.split(hand, WINDOW, "trust", promoter_id="nobody")
    with pytest.raises(BadInput, match="choose one of"):
        conversion.funnel(hand, WINDOW, group_by="region")  # type: ignore[arg-type]
    with pytest.raises(BadInput, match="top"):
        conversion.funnel(hand, WINDOW, top=0)
    with pytest.raises(BadInput, match="minimum clicks"):
        conversion.funnel(hand, WINDOW, min_clicks=0)


def test_empty_store_answers_zeros(store: FalkorDBStore) -> None:
    report = conversion.funnel(store, WINDOW)
    assert counts(report.overall) == {
        "key": "all", "shares": 0, "clicks": 0, "clickers": 0, "purchases": 0, "buyers": 0,
        "outside_orders": 0, "converted": 0, "converting_clickers": 0, "gmv": 0,
        "commission": 0}
    assert report.overall.conversion is None and report.groups == []
    assert report.first_purchase.members == 0 and report.first_purchase.median_days is None
    assert report.coverage.ranked == 0


@pytest.mark.parametrize("group", conversion.GROUPS)
def test_renders_and_serializes(hand: FalkorDBStore, group: str) -> None:
    report = conversion.funnel(hand, WINDOW, group_by=group, promoter_id="P", min_clicks=1)
    console = Console(width=160, record=True)
    for table in render.tables(report):
        console.print(table)
    text = console.export_text()
    assert "¥350.00" in text and "40.0%" in text  # P's GMV and conversion
    data = to_json(report)
    assert '"gmv": 35000' in data and '"conversion": 0.4' in data


# -- the synthetic network against its own CSV files -------------------------------------




def _ms(text: str) -> int | None:
    if not text:
        return None
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def _rows(directory: Path, name: str) -> list[dict[str, str]]:
    with open(directory / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _bucket(weight: float | None) -> str:
    if weight is None or weight <= 0:
        return "none"
    for label, top in (("(0, 0.25]", 0.25), ("(0.25, 0.5]", 0.5), ("(0.5, 0.75]", 0.75)):
        if weight <= top:
            return label
    return "(0.75, 1]"


def expected(directory: Path, w: Window, root: str | None = None
             ) -> dict[str, dict[str, dict[str, Any]]]:
    """Every split's counts recomputed from the canonical files, by plain Python; with
    ``root``, that team's: its members' shares, levels counted from the root."""
    members = {r["member_id"]: r for r in _rows(directory, "members")}
    team = _team(members, root) if root else set(members)
    shares = {r["share_id"]: r for r in _rows(directory, "shares")}
    trust = {(r["src_id"], r["dst_id"]): (float(r["weight"]), _ms(r["since"]))
             for r in _rows(directory, "trust")}
    clicked: dict[tuple[str, str], int] = {}
    for r in _rows(directory, "clicks"):
        t = _ms(r["at"])
        key = (r["viewer_id"], r["share_id"])
        clicked[key] = min(t, clicked.get(key, t))

    def inside(t: int | None) -> bool:
        return t is not None and w.start < t <= w.end

    def level(m: str) -> int:
        depth = 0
        while (ref := members[m]["referrer_id"]) and _ms(members[m]["joined_at"]) <= w.end:
            depth, m = depth + 1, ref
        return depth

    def weight(src: str, dst: str, when: int) -> float | None:
        edge = trust.get((src, dst))
        return edge[0] if edge and (edge[1] is None or edge[1] < when) else None

    out: dict[str, dict[str, dict[str, Any]]] = {g: defaultdict(lambda: defaultdict(int))
                                                 for g in ("all", *conversion.GROUPS)}
    sets: dict[tuple[str, str, str], set[str]] = defaultdict(set)

    base = level(root) if root else 0

    def keys(share: dict[str, str], bucket: str | None) -> dict[str, str]:
        k = {"all": "all", "promoter": share["promoter_id"], "level":
             str(level(share["promoter_id"]) - base), "channel": share["channel"] or "(none)"}
        if bucket is not None:
            k["trust"] = bucket
        return k

    shares = {i: s for i, s in shares.items() if s["promoter_id"] in team}
    for s in shares.values():
        if inside(_ms(s["at"])):
            for g, k in keys(s, None).items():
                out[g][k]["shares"] += 1
    for (viewer, sid), t in clicked.items():
        if not inside(t) or sid not in shares:
            continue
        s = shares[sid]
        promoter = s["promoter_id"]
        bucket = "self" if viewer == promoter else _bucket(weight(viewer, promoter, t))
        for g, k in keys(s, bucket).items():
            out[g][k]["clicks"] += 1
            sets[(g, k, "clickers")].add(viewer)
    other = [0, 0, 0]
    for o in _rows(directory, "purchases"):
        t = _ms(o["at"])
        if o["status"] not in ("paid", "settled") or not inside(t):
            continue
        amount, commission = int(o["amount"]), int(o["commission"] or 0)
        if not o["share_id"]:
            if root is None or o["promoter_id"] in team:
                other = [other[0] + 1, other[1] + amount, other[2] + commission]
            continue
        if o["share_id"] not in shares:
            continue
        s = shares[o["share_id"]]
        buyer, promoter = o["buyer_id"], s["promoter_id"]
        click = clicked.get((buyer, o["share_id"])) if buyer else None
        converted = click is not None and click <= t
        if not buyer:
            bucket = "outside"
        elif buyer == promoter:
            bucket = "self"
        else:
            bucket = _bucket(weight(buyer, promoter, click if converted else t))
        for g, k in keys(s, bucket).items():
            row = out[g][k]
            row["purchases"] += 1
            row["outside_orders"] += 0 if buyer else 1
            row["converted"] += 1 if converted else 0
            row["gmv"] += amount
            row["commission"] += commission
            if buyer:
                sets[(g, k, "buyers")].add(buyer)
                if converted:
                    sets[(g, k, "converting_clickers")].add(buyer)
    for (g, k, name), found in sets.items():
        out[g][k][name] = len(found)
    out["other"] = {"all": {"purchases": other[0], "gmv": other[1], "commission": other[2]}}
    return out


def _team(members: dict[str, dict[str, str]], root: str) -> set[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for m, r in members.items():
        if r["referrer_id"]:
            children[r["referrer_id"]].append(m)
    team, todo = set(), [root]
    while todo:
        m = todo.pop()
        team.add(m)
        todo += children[m]
    return team


def a_team(directory: Path, low: int = 40, high: int = 400) -> tuple[str, set[str]]:
    """A member below the top whose downline has between ``low`` and ``high`` members."""
    members = {r["member_id"]: r for r in _rows(directory, "members")}
    for m, r in sorted(members.items()):
        if r["referrer_id"] and low <= len(team := _team(members, m)) <= high:
            return m, team
    raise AssertionError("no team of that size in the network")


def _compare(got: list[Funnel], want: dict[str, dict[str, int]], *, shares: bool) -> None:
    fields = ["clicks", "clickers", "purchases", "buyers", "outside_orders", "converted",
              "converting_clickers", "gmv", "commission"] + (["shares"] if shares else [])
    got_rows = {f.key: {n: getattr(f, n) for n in fields} for f in got}
    want_rows = {k: {n: v.get(n, 0) for n in fields} for k, v in want.items()}
    assert got_rows == want_rows
    for f in got:
        assert f.conversion == (f.converted / f.clicks if f.clicks else None)
        assert f.clicker_conversion == (
            f.converting_clickers / f.clickers if f.clickers else None)


# as_of inside the data (events after it exist and must be ignored), and the whole year
WINDOWS = [Window(_ms("2026-03-01T00:00:00Z") or 0, _ms("2026-06-15T12:00:00Z") or 0),
           Window(0, _ms("2026-11-01T00:00:00Z") or 0)]


@pytest.mark.parametrize("w", WINDOWS, ids=["mid-year", "all"])
def test_synthetic_splits_match_the_csv_files(synthetic_store: FalkorDBStore,
                                              network_dir: Path, w: Window) -> None:
    want = expected(network_dir, w)
    report = conversion.funnel(synthetic_store, w, group_by="level")
    _compare([report.overall], want["all"], shares=True)
    _compare(report.groups, want["level"], shares=True)
    assert (report.other_purchases, report.other_gmv, report.other_commission) == tuple(
        want["other"]["all"].values())
    for group in ("promoter", "channel", "trust"):
        _compare(conversion.split(synthetic_store, w, group), want[group],
                 shares=group != "trust")


@pytest.mark.parametrize("w", WINDOWS, ids=["mid-year", "all"])
def test_a_team_report_counts_only_the_team(synthetic_store: FalkorDBStore,
                                            network_dir: Path, w: Window) -> None:
    root, team = a_team(network_dir)
    want = expected(network_dir, w, root)
    report = conversion.funnel(synthetic_store, w, group_by="level", root_id=root, top=1_000)
    assert report.root_id == root
    _compare([report.overall], want["all"], shares=True)
    _compare(report.groups, want["level"], shares=True)
    assert report.groups[0].key == "0" or "0" not in want["level"]
    assert (report.other_purchases, report.other_gmv, report.other_commission) == tuple(
        want["other"]["all"].values())
    for group in ("promoter", "channel", "trust"):
        got = conversion.funnel(synthetic_store, w, group_by=group, root_id=root, top=1_000)
        _compare(got.groups, want[group], shares=group != "trust")
    ranked = {r.promoter for r in report.coverage.by_reach}
    assert ranked <= team
    joined = {r["member_id"]: _ms(r["joined_at"]) for r in _rows(network_dir, "members")}
    assert report.first_purchase.members == sum(1 for m in team if joined[m] <= w.end)


def test_a_team_report_refuses_a_promoter_outside_it(synthetic_store: FalkorDBStore,
                                                     network_dir: Path) -> None:
    root, team = a_team(network_dir)
    outside = next(r["member_id"] for r in _rows(network_dir, "members")
                   if r["member_id"] not in team)
    with pytest.raises(BadInput, match="not in"):
        conversion.funnel(synthetic_store, WINDOWS[1], promoter_id=outside, root_id=root)
    with pytest.raises(NotFound):
        conversion.funnel(synthetic_store, WINDOWS[1], root_id="nobody")


def test_synthetic_first_purchase_matches_the_csv_files(synthetic_store: FalkorDBStore,
                                                        network_dir: Path) -> None:
    w = WINDOWS[0]
    first: dict[str, int] = {}
    for o in _rows(network_dir, "purchases"):
        t = _ms(o["at"])
        if o["buyer_id"] and o["status"] in ("paid", "settled") and t <= w.end:
            first[o["buyer_id"]] = min(t, first.get(o["buyer_id"], t))
    joined = {r["member_id"]: _ms(r["joined_at"]) for r in _rows(network_dir, "members")}
    members = [m for m, t in joined.items() if t <= w.end]
    waits = [(first[m] - joined[m]) / DAY_MS for m in members if m in first]
    fp = conversion.first_purchase(synthetic_store, w)
    assert (fp.members, fp.bought, fp.bought_before_joining) == (len(members), len(waits), 0)
    assert [fp.q1_days, fp.median_days, fp.q3_days] == pytest.approx(
        np.percentile(waits, [25, 50, 75]).tolist())


def test_synthetic_conversion_rises_with_trust(synthetic_store: FalkorDBStore) -> None:
    """The generator converts a click with P = 0.03 + 0.25 * trust: the strongest bucket
    must convert far better than clicks with no trust, and (0.5, 1] better than (0, 0.5]."""
    t = by_key(conversion.split(synthetic_store, WINDOWS[1], "trust"))
    low = (t["(0, 0.25]"].converted + t["(0.25, 0.5]"].converted) / (
        t["(0, 0.25]"].clicks + t["(0.25, 0.5]"].clicks)
    high = (t["(0.5, 0.75]"].converted + t["(0.75, 1]"].converted) / (
        t["(0.5, 0.75]"].clicks + t["(0.75, 1]"].clicks)
    none, top = t["none"].conversion, t["(0.75, 1]"].conversion
    assert none is not None and top is not None
    assert top > 2 * none
    assert none < low < high
    coverage = conversion.funnel(synthetic_store, WINDOWS[1]).coverage
    assert coverage.ranked > 20
    assert coverage.reach_gmv_spearman is not None
    assert coverage.conversion_gmv_spearman is not None
