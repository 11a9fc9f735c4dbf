"""The case file's analysis on hand-built networks, every answer worked out by hand: the
purchases behind commission-depth flags, every member counted, the relationship chart
(node count = the organization's size, drawn and grouped), and what-if totals."""

from __future__ import annotations

from pathlib import Path

from refnet.graph.falkordb_store import FalkorDBStore
from refnet.queries.compliance import casefile, policy
from refnet.queries.compliance.whatif import Scenario
from refnet.queries.window import Window
from tests.graphs import Network, at

CN = policy.load("cn")
WIDE = Window(at(-1), at(400))


def chain_network() -> Network:
    net = Network()
    net.chain("r", "l1", "l2", "l3", "l4")
    net.member("other")
    net.product("tea", price=10_000)
    net.product("pack", price=42_500, entry_package=True)
    net.purchase("o2", buyer="l2", promoter="r", product="tea", amount=10_000,
                 commission=1_000, day=10)  # 2 levels: allowed
    net.purchase("o3", buyer="l3", promoter="r", product="tea", amount=20_000,
                 commission=2_000, day=11)  # 3 levels
    net.purchase("o3b", buyer="l3", promoter="r", product="tea", amount=5_000,
                 commission=500, day=12)  # 3 levels
    net.purchase("o4", buyer="l4", promoter="l1", product="tea", amount=10_000,
                 commission=1_000, day=13)  # 3 levels
    net.purchase("pk", buyer="l1", promoter="r", product="pack", amount=42_500,
                 commission=12_750, day=1)  # an entry package
    net.purchase("out", promoter="l2", product="tea", amount=10_000, commission=1_000,
                 day=14)  # an outside buyer: retail
    net.purchase("elsewhere", buyer="other", promoter="r", product="tea", amount=10_000,
                 commission=1_000, day=15, status="refunded")
    return net


def test_the_purchases_behind_each_commission_depth_flag(
        store: FalkorDBStore, tmp_path: Path) -> None:
    chain_network().load(store, tmp_path)
    case = casefile.build(store, CN, WIDE, "r")
    got = [(p.order_id, p.platform, p.at, p.amount, p.commission, p.buyer, p.promoter,
            p.levels, p.chain) for p in case.depth_purchases]
    assert got == [
        ("o4", "taobao", at(13), 10_000, 1_000, "l4", "l1", 3, ["l1", "l2", "l3", "l4"]),
        ("o3", "taobao", at(11), 20_000, 2_000, "l3", "r", 3, ["r", "l1", "l2", "l3"]),
        ("o3b", "taobao", at(12), 5_000, 500, "l3", "r", 3, ["r", "l1", "l2", "l3"]),
    ]
    flagged = {f.member for f in case.report.flags if f.code == "COMMISSION_DEPTH"}
    assert flagged == {p.promoter for p in case.depth_purchases}
    # every chain in full, the evidence limit at its maximum
    assert case.report.evidence_limit == 1_000
    # the chart: 5 members, each drawn, the flagged marked
    c = case.chart
    assert (c.root, c.people, c.levels, c.per_level, c.drawn_levels) == (
        "r", 5, 5, [1, 1, 1, 1, 1], 5)
    assert [(n.member, n.recruiter, n.level, n.downline) for n in c.nodes] == [
        ("r", None, 1, 4), ("l1", "r", 2, 3), ("l2", "l1", 3, 2), ("l3", "l2", 4, 1),
        ("l4", "l3", 5, 0)]
    # r and l1 are paid too deep, l3 and l4 bought so; l1 bought nothing but a package
    assert {n.member: n.codes for n in c.nodes} == {
        "r": ["COMMISSION_DEPTH", "ENTRY_PACKAGE_ONLY_BUYERS"],
        "l1": ["COMMISSION_DEPTH", "ENTRY_PACKAGE_ONLY_BUYERS"], "l2": [],
        "l3": ["COMMISSION_DEPTH"], "l4": ["COMMISSION_DEPTH"]}
    assert c.groups == []
    assert case.whatif is None and case.assessment is not None


def test_what_if_two_levels_and_no_entry_packages(store: FalkorDBStore, tmp_path: Path) -> None:
    chain_network().load(store, tmp_path)
    w = casefile.build(store, CN, WIDE, "r", scenario=Scenario.of(
        CN, entry_packages=False)).whatif
    assert w is not None and w.root == "r" and w.scenario.max_levels == 2
    # as paid: r 1,000 + 2,000 + 500 + 12,750; l1 1,000; l2 1,000 (o2 kept, "out" retail)
    assert (w.purchases, w.changed_purchases, w.removed_purchases, w.removed_gmv) == (
        6, 4, 1, 42_500)
    assert (w.commission, w.whatif_commission) == (18_250, 2_000)
    assert (w.removed_commission, w.dropped_commission, w.moved_commission) == (
        12_750, 3_500, 0)
    assert (w.gained_commission, w.lost_commission, w.gainers, w.losers) == (0, 16_250, 0, 2)
    assert [(m.member, m.level, m.commission, m.whatif_commission, m.delta_commission,
             m.purchases) for m in w.top_losers] == [
        ("r", 1, 16_250, 1_000, -15_250, 3), ("l1", 2, 1_000, 0, -1_000, 1)]
    assert w.top_gainers == []
    assert [(lv.level, lv.members, lv.commission, lv.whatif_commission) for lv in
            w.per_level] == [(1, 1, 16_250, 1_000), (2, 1, 1_000, 0), (3, 1, 1_000, 1_000),
                             (4, 1, 0, 0), (5, 1, 0, 0)]


def test_what_if_reassigns_beyond_the_cap_to_the_buyers_upline(
        store: FalkorDBStore, tmp_path: Path) -> None:
    chain_network().load(store, tmp_path)
    w = casefile.build(store, CN, WIDE, "r", scenario=Scenario.of(CN, reassign=True)).whatif
    assert w is not None
    # o3, o3b (l3's) go to l1, two levels above l3; o4 (l4's) to l2
    assert (w.commission, w.whatif_commission, w.moved_commission) == (18_250, 18_250, 3_500)
    assert (w.gained_commission, w.lost_commission) == (2_500, 2_500)
    assert [(m.member, m.delta_commission, m.purchases) for m in w.top_gainers] == [
        ("l1", 1_500, 3), ("l2", 1_000, 1)]
    assert [(m.member, m.delta_commission) for m in w.top_losers] == [("r", -2_500)]
    assert sum(lv.delta_commission for lv in w.per_level) == 0


def test_the_chart_groups_deep_levels_and_still_counts_every_member(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.member("p")
    for k in range(9):
        net.member(f"p.2.{k}", "p", day=1)
    for k in range(110):
        net.member(f"p.3.{k}", f"p.2.{k % 2}", day=2)  # two branches: 55 and 55
    net.load(store, tmp_path)
    full = casefile.build(store, CN, WIDE, "p")
    assert len(full.chart.nodes) == full.chart.people == 120 and full.chart.groups == []
    assert full.assessment is not None and full.assessment.tier == "serious"
    assert [(lv.level, len(lv.members)) for lv in full.counted[0].levels] == [
        (1, 1), (2, 9), (3, 110)]
    assert full.counted[0].people == 120 and full.counted[0].levels[0].members == ["p"]
    grouped = casefile.build(store, CN, WIDE, "p", max_nodes=20).chart
    assert grouped.drawn_levels == 2 and len(grouped.nodes) == 10
    assert [(g.head, g.level, g.members) for g in grouped.groups] == [
        ("p.2.0", 3, 55), ("p.2.1", 3, 55)]
    assert len(grouped.nodes) + sum(g.members for g in grouped.groups) == 120
    tight = casefile.build(store, CN, WIDE, "p", max_nodes=5).chart
    assert tight.drawn_levels == 1 and [n.member for n in tight.nodes] == ["p"]
    assert [(g.head, g.level, g.members) for g in tight.groups] == [("p", 2, 9), ("p", 3, 110)]
    assert tight.nodes[0].codes == ["PYRAMID_THRESHOLD"]


def test_the_members_counted_leave_out_those_after_a_leader_quit(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.member("q", left=5)
    for k in range(9):
        net.member(f"q.2.{k}", "q", day=1)
    for k in range(20):
        net.member(f"q.3.{k}", "q.2.0", day=2 if k < 10 else 10)
    net.load(store, tmp_path)
    case = casefile.build(store, CN, WIDE, "q")
    assert case.assessment is not None and case.assessment.people == 20
    assert [len(lv.members) for lv in case.counted[0].levels] == [1, 9, 10]
    assert case.chart.people == 30  # the chart draws the whole organization
