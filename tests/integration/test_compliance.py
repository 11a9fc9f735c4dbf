"""Compliance against a real embedded store: hand-built networks with answers worked out
by hand, and the 2,000-member synthetic network checked against networkx. (The report
answers from the analytic snapshot; test_compliance_snapshot holds it equal to the
Cypher oracle.)"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import networkx as nx
import pytest
from rich.console import Console

from refnet.api.render import compliance as render
from refnet.api.render import to_json
from refnet.graph.errors import BadInput, NotFound
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.loaders.load import load_paths
from refnet.queries import compliance, snapshot
from refnet.queries.compliance import ComplianceReport, Flag, policy
from refnet.queries.window import Window, latest_event
from tests.graphs import HASHER, T0, Network, at

CN = policy.load("cn")
WIDE = Window(at(-1), at(400))  # everything the hand-built networks hold


def flags(report: ComplianceReport, code: str) -> dict[str | None, Flag]:
    found = [f for f in report.flags if f.code == code]
    by_member = {f.member: f for f in found}
    assert len(by_member) == len(found), f"two {code} flags for one member"
    return by_member


def organization(net: Network, root: str, levels: list[int], *, day: float = 0) -> None:
    """``root`` and below it ``levels[i]`` members on level i + 2, each hung under the first
    member of the level above (the organizer's own level is level 1)."""
    net.member(root, day=day)
    above = [root]
    for i, count in enumerate(levels):
        ids = [f"{root}.{i + 2}.{k}" for k in range(count)]
        for member in ids:
            net.member(member, above[0], day=day + i + 1)
        above = ids


# --- people and levels (the 2013 opinion) -----------------------------------------------


def test_threshold_counts_the_organizer_and_the_organizers_level(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    organization(net, "at30", [9, 20])  # 1 + 9 + 20 = 30 people in 3 levels: flagged
    organization(net, "at29", [9, 19])  # 29 people in 3 levels: not flagged
    organization(net, "flat40", [39])  # 40 people in 2 levels: not flagged
    organization(net, "deep4", [1, 1, 1])  # 4 people in 4 levels: not flagged
    net.load(store, tmp_path)
    found = flags(compliance.report(store, CN, WIDE), "PYRAMID_THRESHOLD")
    assert set(found) == {"at30"}
    f = found["at30"]
    assert f.severity == "critical"
    assert (f.numbers["people"], f.numbers["levels"], f.numbers["downline"]) == (30, 3, 29)
    assert f.numbers["crossing_members"] == 1 and f.related == []
    assert f.per_level == [1, 9, 20]
    assert f.evidence[0] == ["at30", "at30.2.0", "at30.3.0"]  # the deepest branch first
    assert len(f.evidence) == 5  # one chain per branch, bounded by evidence_limit
    assert all(path[0] == "at30" for path in f.evidence)


def test_threshold_with_the_organizer_not_counted(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    organization(net, "at30", [9, 20])
    organization(net, "at31", [10, 20])
    net.load(store, tmp_path)
    strict = policy.parse("[threshold]\nmin_levels = 3\nmin_people = 30\n"
                          "count_organizer = false\n")
    found = flags(compliance.report(store, strict, WIDE), "PYRAMID_THRESHOLD")
    assert set(found) == {"at31"}
    assert found["at31"].numbers["people"] == 30


def test_threshold_flags_the_topmost_member_and_lists_the_leaders_inside(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.member("top")
    net.member("lead", "top", day=1)
    for k in range(10):
        net.member(f"l{k}", "lead", day=2)
        for j in range(2):
            net.member(f"l{k}.{j}", f"l{k}", day=3)
    net.load(store, tmp_path)  # lead: 31 people in 3 levels; top: 32 people in 4 levels
    report = compliance.report(store, CN, WIDE, evidence_limit=2)
    found = flags(report, "PYRAMID_THRESHOLD")
    assert set(found) == {"top"}
    f = found["top"]
    assert (f.numbers["people"], f.numbers["levels"]) == (32, 4)
    assert f.numbers["crossing_members"] == 2 and f.related == ["lead"]
    assert f.per_level == [1, 1, 10, 20]
    assert f.evidence == [["top", "lead", "l0", "l0.0"]]  # one branch only
    narrowed = compliance.report(store, CN, WIDE, root_id="lead")
    inner = flags(narrowed, "PYRAMID_THRESHOLD")
    assert set(inner) == {"lead"} and inner["lead"].numbers["people"] == 31
    # a report on one downline starts its chains at that downline's root: it names
    # nobody above the member asked about (an organizer's key must not see "top")
    assert inner["lead"].evidence[0][:2] == ["lead", "l0"]
    assert narrowed.totals.members == 31


def test_as_of_in_the_past_ignores_later_members(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.member("org")
    for k in range(9):
        net.member(f"a{k}", "org", day=1)
    for k in range(20):
        net.member(f"b{k}", "a0", day=10 + k)
    net.load(store, tmp_path)
    early = compliance.report(store, CN, Window(at(-1), at(20)))  # b10..b19 not joined yet
    assert flags(early, "PYRAMID_THRESHOLD") == {}
    assert early.totals.members == 21 and early.totals.deepest_levels == 3
    on_the_day = compliance.report(store, CN, Window(at(-1), at(29)))  # b19 joins on day 29
    f = flags(on_the_day, "PYRAMID_THRESHOLD")["org"]
    assert f.numbers["people"] == 30
    month = f.timeline[-1]
    assert (month.month, month.members, month.levels) == ("2026-01", 30, 3)


# --- commission depth -------------------------------------------------------------------


def test_commission_more_than_two_levels_up_is_flagged(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.chain("r", "l1", "l2", "l3", "l4")
    net.member("other")
    net.product("tea", price=10_000)
    net.purchase("o2", buyer="l2", promoter="r", product="tea", amount=10_000,
                 commission=1_000, day=10)  # 2 levels up: allowed
    net.purchase("o3", buyer="l3", promoter="r", product="tea", amount=20_000,
                 commission=2_000, day=11)  # 3 levels up: flagged
    net.purchase("o3b", buyer="l3", promoter="r", product="tea", amount=5_000,
                 commission=500, day=12)
    net.purchase("o4", buyer="l4", promoter="l1", product="tea", amount=10_000,
                 commission=1_000, day=13)  # 3 levels up: flagged
    net.purchase("o5", buyer="other", promoter="r", product="tea", amount=10_000,
                 commission=1_000, day=14)  # not in r's downline
    net.purchase("o6", buyer="l4", promoter="r", product="tea", amount=10_000,
                 commission=1_000, day=15, status="refunded")  # refunded: no commission
    net.load(store, tmp_path)
    found = flags(compliance.report(store, CN, WIDE), "COMMISSION_DEPTH")
    assert set(found) == {"r", "l1"}
    r = found["r"]
    assert r.severity == "critical"
    assert r.numbers == {"purchases": 2, "amount": 25_000, "commission": 2_500, "buyers": 1,
                         "max_distance": 3, "max_levels": 2, "promoter_level": 1}
    assert r.evidence == [["r", "l1", "l2", "l3"]]
    assert found["l1"].evidence == [["r", "l1", "l2", "l3", "l4"]]
    assert found["l1"].numbers["max_distance"] == 3
    before = compliance.report(store, CN, Window(at(-1), at(11) - 1))
    assert flags(before, "COMMISSION_DEPTH") == {}  # o3 is after this as-of


def test_a_declared_plan_deeper_than_allowed(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.chain("r", "l1", "l2", "l3")
    net.product("tea")
    net.purchase("a", promoter="l2", product="tea", amount=10_000, commission=900, day=5)
    net.purchase("b", promoter="l1", product="tea", amount=10_000, commission=900, day=5)
    net.purchase("c", promoter="l3", buyer="r", product="tea", amount=7_000, day=6)
    net.load(store, tmp_path)
    assert compliance.report(store, CN, WIDE).checks[2].note.startswith(
        "the policy declares no payout plan")
    found = flags(compliance.report(store, CN.with_plan_levels(3), WIDE),
                  "COMMISSION_PLAN_DEPTH")
    f = found["r"]  # l2 and l3 have two uplines: a 3-level plan pays 3 levels
    assert f.numbers == {"purchases": 2, "gmv": 17_000, "commission": 900, "promoters": 2,
                         "levels_paid": 3, "plan_levels": 3, "max_levels": 2}
    assert f.evidence == [["r", "l1", "l2", "l3"], ["r", "l1", "l2"]]
    assert flags(compliance.report(store, CN.with_plan_levels(2), WIDE),
                 "COMMISSION_PLAN_DEPTH") == {}


# --- revenue ------------------------------------------------------------------------------


def revenue_network() -> Network:
    net = Network()
    net.member("e")
    for k in (1, 2, 3):
        net.member(f"e{k}", "e", day=k)
    net.member("solo")
    net.product("pack", price=42_500, entry_package=True)
    net.product("tea", price=10_000)
    for k in (1, 2, 3):
        net.purchase(f"pack{k}", buyer=f"e{k}", promoter="e", product="pack", amount=42_500,
                     commission=12_750, day=k)
    net.purchase("tea3", buyer="e3", promoter="e", product="tea", amount=10_000,
                 commission=1_000, day=20)
    net.purchase("out1", promoter="e", product="tea", amount=10_000, commission=1_000, day=21)
    net.purchase("out2", promoter="e", product="tea", amount=10_000, commission=1_000, day=22)
    net.purchase("self", buyer="e", promoter="e", product="tea", amount=10_000,
                 commission=500, day=23)
    net.purchase("refund", promoter="e", product="tea", amount=10_000, commission=1_000,
                 day=24, status="refunded")
    net.purchase("nobody", product="tea", amount=3_000, day=25)  # no promoter
    net.purchase("late", buyer="e1", promoter="e", product="tea", amount=10_000,
                 commission=1_000, day=300)
    return net


def test_entry_packages_internal_consumption_and_rewards(
        store: FalkorDBStore, tmp_path: Path) -> None:
    revenue_network().load(store, tmp_path)
    report = compliance.report(store, CN, Window(at(-1), at(100)))
    t = report.totals
    # GMV: 3 packs (127,500) + e3's tea + 2 outside teas + e's own tea + the unattributed
    assert (t.purchases, t.gmv, t.unattributed_gmv) == (8, 170_500, 3_000)
    assert (t.entry_gmv, t.internal_gmv, t.outside_gmv, t.self_gmv) == (
        127_500, 147_500, 23_000, 10_000)
    assert (t.entry_commission, t.retail_commission, t.commission) == (38_250, 2_000, 41_750)
    assert t.entry_share == pytest.approx(127_500 / 170_500)
    assert t.reward_to_retail == pytest.approx(19.125)
    assert (t.buying_members, t.entry_only_buyers) == (4, 2)  # e1, e2 (e1's tea is later)
    share = flags(report, "ENTRY_PACKAGE_SHARE")
    assert set(share) == {None, "e"}
    assert share["e"].numbers["share"] == pytest.approx(127_500 / 167_500)
    assert share["e"].evidence == [["e"]]
    internal = flags(report, "INTERNAL_CONSUMPTION")["e"]
    assert internal.numbers["share"] == pytest.approx(147_500 / 167_500)
    assert internal.numbers["outside_gmv"] == 20_000
    reward = flags(report, "RECRUITMENT_REWARD_RATIO")["e"]
    assert reward.numbers["ratio"] == pytest.approx(38_250 / 2_000)
    only = flags(report, "ENTRY_PACKAGE_ONLY_BUYERS")["e"]
    assert only.severity == "info"  # 2 of 4 is not more than the policy's 50%
    assert (only.numbers["members"], only.numbers["buying_members"]) == (2, 4)
    assert only.evidence == [["e", "e1"], ["e", "e2"]]
    assert "info" in to_json(report)
    console = Console(width=200, record=True, color_system=None)
    for table in render.tables(report):
        console.print(table)
    text = console.export_text()
    assert "¥1,705.00" in text and "e → e1" in text and "19.12" in text


def test_small_organizations_are_not_judged_on_ratios(
        store: FalkorDBStore, tmp_path: Path) -> None:
    revenue_network().load(store, tmp_path)
    strict = policy.parse("[entry_packages]\nmax_revenue_share = 0.5\n"
                          "[retail]\nmin_organization_gmv = 200000\n")
    found = flags(compliance.report(store, strict, Window(at(-1), at(100))),
                  "ENTRY_PACKAGE_SHARE")
    assert set(found) == {None}  # the network as a whole, not e's ¥1,675 organization
    narrowed = compliance.report(store, strict, Window(at(-1), at(100)), root_id="e")
    assert narrowed.totals.gmv == 167_500 and narrowed.totals.unattributed_gmv == 0
    assert flags(narrowed, "ENTRY_PACKAGE_SHARE") == {}


def test_entry_packages_that_are_not_entry_fees(store: FalkorDBStore, tmp_path: Path) -> None:
    revenue_network().load(store, tmp_path)
    lenient = policy.parse("[entry_packages]\nentry_fee = false\nmax_revenue_share = 0.1\n"
                           "[retail]\nmax_reward_to_retail = 1.0\n")
    report = compliance.report(store, lenient, Window(at(-1), at(100)))
    off = {c.code for c in report.checks if not c.checked}
    assert {"ENTRY_PACKAGE_SHARE", "RECRUITMENT_REWARD_RATIO",
            "ENTRY_PACKAGE_ONLY_BUYERS"} <= off
    assert not [f for f in report.flags if f.code.startswith(("ENTRY", "RECRUIT"))]


def test_a_policy_without_entry_packages_runs_no_entry_package_check(
        store: FalkorDBStore, tmp_path: Path) -> None:
    revenue_network().load(store, tmp_path)
    retail_only = policy.parse("[retail]\nmax_internal_share = 0.9\nmax_reward_to_retail = 1.0\n")
    report = compliance.report(store, retail_only, Window(at(-1), at(100)))
    off = {c.code: c.note for c in report.checks if not c.checked}
    assert {"ENTRY_PACKAGE_SHARE", "RECRUITMENT_REWARD_RATIO",
            "ENTRY_PACKAGE_ONLY_BUYERS"} <= set(off)
    assert "no [entry_packages] section" in off["ENTRY_PACKAGE_ONLY_BUYERS"]
    assert not [f for f in report.flags if f.code.startswith(("ENTRY", "RECRUIT"))]


# --- velocity ----------------------------------------------------------------------------


def test_recruitment_velocity_and_depth_month_by_month(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.member("v")
    for k in range(4):
        net.member(f"v{k}", "v", day=1 + k)  # 4 recruits in 4 days
    net.member("v0a", "v0", day=5)
    net.member("v0b", "v0", day=40)
    net.member("w")
    for k in range(4):
        net.member(f"w{k}", "w", day=1 + 40 * k)  # 4 recruits, 40 days apart
    net.load(store, tmp_path)
    fast = policy.parse("[velocity]\ndays = 30\nmax_direct_recruits = 3\n"
                        "max_downline_recruits = 4\n")
    report = compliance.report(store, fast, Window(T0, at(59)))
    direct = flags(report, "DIRECT_RECRUITMENT_VELOCITY")
    assert set(direct) == {"v"}
    assert direct["v"].numbers["recruits"] == 4 and direct["v"].numbers["peak_at"] == at(4)
    assert direct["v"].evidence == [["v"]]
    assert direct["v"].related == ["v0", "v1", "v2", "v3"]  # who joined in the burst
    downline = flags(report, "DOWNLINE_RECRUITMENT_VELOCITY")
    assert set(downline) == {"v"}  # w's downline grew by 2 at most in any 30 days
    f = downline["v"]
    assert f.numbers["recruits"] == 5 and f.numbers["downline"] == 6
    assert [(m.month, m.members, m.levels, m.recruits) for m in f.timeline] == [
        ("2026-01", 6, 3, 5), ("2026-02", 7, 3, 1), ("2026-03", 7, 3, 0)]
    later = compliance.report(store, fast, Window(at(30), at(200)))  # after v's burst
    assert flags(later, "DIRECT_RECRUITMENT_VELOCITY") == {}


# --- data integrity ------------------------------------------------------------------------


def test_stub_and_untied_promoters(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.chain("r", "a")
    net.member("loner")
    net.product("tea")
    net.purchase("o1", promoter="ghost", product="tea", amount=5_000, commission=100, day=3)
    net.purchase("o2", promoter="loner", product="tea", amount=7_000, day=3)
    net.purchase("o3", promoter="a", product="tea", amount=9_000, day=3)
    net.load(store, tmp_path)
    report = compliance.report(store, CN, WIDE)
    stub = flags(report, "STUB_PROMOTER")[None]
    assert stub.numbers == {"promoters": 1, "purchases": 1, "gmv": 5_000, "commission": 100}
    assert stub.related == ["ghost"] and stub.severity == "warning"
    untied = flags(report, "UNTIED_PROMOTER")[None]
    assert untied.related == ["loner"] and untied.numbers["gmv"] == 7_000


def test_cycles_and_second_referrers_in_the_graph(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.chain("x", "y", "z")
    net.chain("p", "q")
    net.load(store, tmp_path)
    # What the loader refuses, written behind its back: z -> x closes a cycle, p -> y is
    # a second referrer.
    store.execute("MATCH (a:Member {id: 'z'}), (b:Member {id: 'x'}) "
                  "CREATE (a)-[:REFERRED {at: $t}]->(b)", {"t": at(5)}, write=True)
    store.execute("MATCH (a:Member {id: 'q'}), (b:Member {id: 'y'}) "
                  "CREATE (a)-[:REFERRED {at: $t}]->(b)", {"t": at(6)}, write=True)
    # writes behind the loader's back make no new data version: build the snapshot anew
    snap = snapshot.build(store)
    report = compliance.report_from(snap, CN, WIDE)
    cycle = flags(report, "REFERRAL_CYCLE")["x"]
    assert cycle.evidence == [["x", "y", "z", "x"]] and cycle.numbers["members"] == 3
    second = flags(report, "SECOND_REFERRER")["y"]
    assert second.related == ["x", "q"]  # the first referrer first
    assert second.evidence == [["x", "y"], ["q", "y"]]
    assert report.by_severity()["critical"] == 2
    before = compliance.report_from(snap, CN, Window(at(-1), at(5) - 1))
    assert flags(before, "REFERRAL_CYCLE") == {} and flags(before, "SECOND_REFERRER") == {}


def test_referrals_the_loads_refused(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.chain("x", "y", "z")
    net.member("w")
    net.load(store, tmp_path / "first")
    second = tmp_path / "second"
    second.mkdir()
    with open(second / "members.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["member_id", "referrer_id", "platform", "joined_at", "status", "tier"])
        writer.writerow(["y", "w", "", "", "", ""])  # a second referrer (re-parenting)
        writer.writerow(["x", "z", "", "", "", ""])  # would close a cycle
    result = load_paths(store, [second], hasher=HASHER)
    assert result.entities["referrals"].quarantined == 2
    report = compliance.report(store, CN, WIDE)
    f = flags(report, "REFUSED_REFERRALS")[None]
    assert f.numbers == {"refused": 2, "quarantine_files_read": 1,
                         "reason_referral_cycle": 1, "reason_second_referrer": 1}
    assert sorted(f.evidence) == [["w", "y"], ["z", "x"]]
    assert report.totals.refused_referrals == 2
    assert flags(report, "SECOND_REFERRER") == {}  # the graph itself stayed clean
    result.quarantine.unlink()  # the counts stay in the LoadRun even without the file
    f = flags(compliance.report(store, CN, WIDE), "REFUSED_REFERRALS")[None]
    assert (f.numbers["refused"], f.numbers["quarantine_files_read"]) == (2, 0)
    assert f.evidence == []


# --- arguments ---------------------------------------------------------------------------


def test_bad_arguments(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.chain("r", "a")
    net.member("late", day=50)
    net.load(store, tmp_path)
    with pytest.raises(NotFound, match="nobody"):
        compliance.report(store, CN, WIDE, root_id="nobody")
    with pytest.raises(NotFound, match="late"):
        compliance.report(store, CN, Window(at(-1), at(10)), root_id="late")
    with pytest.raises(BadInput, match="evidence_limit"):
        compliance.report(store, CN, WIDE, evidence_limit=-1)
    with pytest.raises(BadInput, match="Window"):
        compliance.report(store, CN, (at(-1), at(10)))  # type: ignore[arg-type]
    with pytest.raises(BadInput, match="Policy"):
        compliance.report(store, "cn", WIDE)  # type: ignore[arg-type]
    empty = compliance.report(store, CN, WIDE, evidence_limit=0)
    assert all(f.evidence == [] for f in empty.flags)


def test_an_empty_graph(store: FalkorDBStore) -> None:
    report = compliance.report(store, CN, WIDE)
    assert report.flags == [] and report.totals.members == 0
    assert report.totals.entry_share is None and report.totals.reward_to_retail is None


# --- the synthetic network against networkx ---------------------------------------------




def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def _forest(network_dir: Path, as_of: int) -> nx.DiGraph:
    graph = nx.DiGraph()
    with open(network_dir / "members.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if _ms(row["joined_at"]) > as_of:
                continue
            graph.add_node(row["member_id"])
            if row["referrer_id"]:
                graph.add_edge(row["referrer_id"], row["member_id"])
    return graph


@pytest.mark.slow
@pytest.mark.parametrize("days_back", [0, 150])
def test_synthetic_threshold_and_depth_match_networkx(
        synthetic_store: FalkorDBStore, network_dir: Path, days_back: int) -> None:
    latest = latest_event(synthetic_store)
    assert latest is not None
    window = Window.days_before(latest - days_back * 86_400_000, 365)
    report = compliance.report(synthetic_store, CN, window)
    graph = _forest(network_dir, window.end)
    roots = [v for v in graph if graph.in_degree(v) == 0]

    def crosses(v: str) -> bool:
        below = nx.descendants(graph, v)
        levels = 1 + max(nx.single_source_shortest_path_length(graph, v).values())
        return len(below) + 1 >= 30 and levels >= 3

    expected = {r for r in roots if crosses(r)}
    found = flags(report, "PYRAMID_THRESHOLD")
    assert set(found) == expected and expected
    for root in expected:
        f = found[root]
        layers = nx.single_source_shortest_path_length(graph, root)
        per_level = [0] * (max(layers.values()) + 1)
        for depth in layers.values():
            per_level[depth] += 1
        assert f.per_level == per_level
        assert f.numbers["people"] == len(layers)
        inside = [v for v in nx.descendants(graph, root) if crosses(v)]
        assert f.numbers["crossing_members"] == len(inside) + 1
        assert set(f.related) <= set(inside)
        for path in f.evidence:
            assert nx.is_path(graph, path) and path[0] == root
    assert report.totals.members == graph.number_of_nodes()
    assert report.totals.deepest_levels == 1 + max(
        max(nx.single_source_shortest_path_length(graph, r).values()) for r in roots)


@pytest.mark.slow
def test_synthetic_commission_depth_and_totals_match_python(
        synthetic_store: FalkorDBStore, network_dir: Path) -> None:
    latest = latest_event(synthetic_store)
    assert latest is not None
    window = Window.days_before(latest, 365)
    report = compliance.report(synthetic_store, CN, window)
    graph = _forest(network_dir, window.end)
    with open(network_dir / "products.csv", encoding="utf-8") as fh:
        entry = {r["product_id"]: r["entry_package"] == "true" for r in csv.DictReader(fh)}
    deep: set[str] = set()
    gmv = entry_gmv = outside = 0
    with open(network_dir / "purchases.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            t = _ms(r["at"])
            if not window.start < t <= window.end or r["status"] not in ("paid", "settled"):
                continue
            amount = int(r["amount"])
            gmv += amount
            entry_gmv += amount if entry[r["product_id"]] else 0
            outside += amount if not r["buyer_id"] else 0
            buyer, promoter = r["buyer_id"], r["promoter_id"]
            if buyer and promoter and buyer != promoter and promoter in graph \
                    and buyer in nx.descendants(graph, promoter) \
                    and nx.shortest_path_length(graph, promoter, buyer) > 2:
                deep.add(promoter)
    t = report.totals
    assert (t.gmv, t.entry_gmv, t.outside_gmv) == (gmv, entry_gmv, outside)
    assert set(flags(report, "COMMISSION_DEPTH")) == deep
    assert deep, "the synthetic network should pay someone more than two levels up"
