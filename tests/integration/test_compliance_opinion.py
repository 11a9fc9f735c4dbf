"""The 2013 opinion's tiers and defining conditions on hand-built networks, each answer
worked out by hand: 119 and 120 people, 2,499,999.99 and 2,500,000.00 yuan of entry
fees, two organizations of one account holder added up, a leader who left and still
earns (and one who does not), and team remuneration without an entry fee."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from refnet.api.render import compliance as render
from refnet.api.render import to_json
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.queries import compliance
from refnet.queries.compliance import Assessment, ComplianceReport, policy
from refnet.queries.window import Window
from tests.graphs import Network, at

CN = policy.load("cn")
WIDE = Window(at(-1), at(400))


def assessed(report: ComplianceReport) -> dict[str, Assessment]:
    return {a.leader: a for a in report.opinion}


def status(a: Assessment) -> dict[str, str]:
    return {c.code: c.status for c in a.conditions}


def organization(net: Network, root: str, levels: list[int], *, day: float = 0) -> list[str]:
    """``root`` and ``levels[i]`` members on level i + 2, each under the first member of the
    level above; the recruits' ids, level by level."""
    net.member(root, day=day)
    above, everyone = [root], []
    for i, count in enumerate(levels):
        ids = [f"{root}.{i + 2}.{k}" for k in range(count)]
        for member in ids:
            net.member(member, above[0], day=day + i + 1)
        above = ids
        everyone += ids
    return everyone


def test_120_people_is_serious_and_119_is_not(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    organization(net, "p119", [9, 109])  # 1 + 9 + 109 = 119 people in 3 levels
    organization(net, "p120", [9, 110])  # 120: 情节严重 by people
    organization(net, "p29", [9, 19])  # 29: below the threshold, not assessed
    net.load(store, tmp_path)
    found = assessed(compliance.report(store, CN, WIDE))
    assert set(found) == {"p119", "p120"}
    low, high = found["p119"], found["p120"]
    assert (low.people, low.levels, low.tier) == (119, 3, "threshold")
    assert (high.people, high.levels, high.tier) == (120, 3, "serious")
    tiers = {t.code: t for t in high.tiers}
    assert tiers["SERIOUS_PEOPLE"].reached and not tiers["SERIOUS_FEES"].reached
    assert tiers["SERIOUS_PEOPLE"].numbers == {"people": 120, "min_people": 120}
    assert tiers["SERIOUS_PEOPLE"].rule == CN.rule("PYRAMID_SERIOUS")
    assert not {t.code: t for t in low.tiers}["SERIOUS_PEOPLE"].reached
    # nothing was bought: the data cannot tell the entry fee or the rewards
    assert status(high) == {"ENTRY_FEE": "unknown", "LEVELS": "met",
                            "RECRUITMENT_REWARDS": "unknown"}
    assert high.pattern == "unknown" and not high.criminal
    assert high.organizations[0].per_level == [1, 9, 110]
    assert [r.code for r in high.rules] == ["COUNTING"]


def fee_network(net: Network, root: str, total: int) -> None:
    """30 people in 3 levels; every recruit bought an entry package, ``total`` fen in all,
    its commission paid to the recruit's referrer."""
    recruits = organization(net, root, [9, 20])
    net.product("pack", price=42_500, entry_package=True)
    for k, member in enumerate(recruits):
        amount = 1_000_000 if k else total - 1_000_000 * (len(recruits) - 1)
        referrer = root if member.startswith(f"{root}.2.") else f"{root}.2.0"
        net.purchase(f"{root}-o{k}", buyer=member, promoter=referrer, product="pack",
                     amount=amount, commission=amount // 10, day=5)


def test_2_5_million_yuan_of_fees_is_serious_and_a_fen_less_is_not(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    fee_network(net, "under", 249_999_999)  # ¥2,499,999.99
    fee_network(net, "at", 250_000_000)  # ¥2,500,000.00: 以上 includes the number
    net.load(store, tmp_path)
    found = assessed(compliance.report(store, CN, WIDE))
    under, at_ = found["under"], found["at"]
    assert (under.fees, at_.fees) == (249_999_999, 250_000_000)
    assert (under.tier, at_.tier) == ("threshold", "serious")
    fees = {t.code: t for t in at_.tiers}["SERIOUS_FEES"]
    assert fees.checked and fees.reached
    assert fees.numbers == {"fees": 250_000_000, "min_fees": 250_000_000}
    assert not {t.code: t for t in under.tiers}["SERIOUS_FEES"].reached
    # joining was bought (29 of 29 recruits), 3 levels, all commission on entry packages
    for a in (under, at_):
        assert status(a) == {"ENTRY_FEE": "met", "LEVELS": "met", "RECRUITMENT_REWARDS": "met"}
        assert a.pattern == "pyramid" and a.criminal
    entry = {c.code: c for c in at_.conditions}["ENTRY_FEE"]
    assert (entry.numbers["recruits"], entry.numbers["paying_recruits"]) == (29, 29)
    rewards = {c.code: c for c in at_.conditions}["RECRUITMENT_REWARDS"]
    assert rewards.numbers["entry_commission"] == rewards.numbers["commission"] == sum(
        (250_000_000 - 28_000_000) // 10 if k == 0 else 100_000 for k in range(29))
    assert rewards.rule == CN.rule("RECRUITMENT_REWARDS")


def test_two_organizations_of_one_account_holder_add_up(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    organization(net, "x1", [4, 10])  # 15 people in 3 levels
    organization(net, "x2", [4, 11])  # 16 people in 3 levels
    organization(net, "y", [4, 11])  # 16, another person
    net.account("x1", "taobao", "acct-x")
    net.load(store, tmp_path / "first")
    second = Network()  # the same account, held by x2 too (a later load)
    second.account("x2", "taobao", "acct-x")
    second.load(store, tmp_path / "second")
    report = compliance.report(store, CN, WIDE)
    found = assessed(report)
    assert set(found) == {"x1"}  # y's 16 people alone reach nothing
    x = found["x1"]
    assert x.same_person == ["x2"]
    assert [(o.root, o.people, o.levels) for o in x.organizations] == [
        ("x1", 15, 3), ("x2", 16, 3)]
    assert (x.people, x.levels, x.tier) == (30, 3, "threshold")  # 14 + 15 recruits + x
    assert "COMBINED_ORGANIZATIONS" in [r.code for r in x.rules]
    assert "over 2 organizations" in x.message
    assert not [f for f in report.flags if f.code == "PYRAMID_THRESHOLD"]  # each alone: no
    apart = policy.parse(CN_TEXT.replace("combine_organizations = true",
                                         "combine_organizations = false"))
    assert compliance.report(store, apart, WIDE).opinion == []
    narrowed = assessed(compliance.report(store, CN, WIDE, root_id="x2"))
    assert narrowed["x2"].people == 30 and narrowed["x2"].same_person == ["x1"]
    # asked for an organizer's key (x2's team only), x1's organization is no one's to see
    confined = compliance.report(store, CN.confined(), WIDE, root_id="x2")
    assert assessed(confined)["x2"].same_person == [] and "x1" not in to_json(confined)
    assert [(o.root, o.people) for o in assessed(confined)["x2"].organizations] == [
        ("x2", 16)]


CN_TEXT = (Path(policy.__file__).parent / "policies" / "cn.toml").read_text("utf-8")


def leaver(net: Network, root: str, *, left: float, earns: bool) -> None:
    """30 people in 3 levels; 10 of the 20 on level 3 joined after ``root`` left."""
    net.member(root, day=0, left=left)
    for k in range(9):
        net.member(f"{root}.2.{k}", root, day=1)
    for k in range(20):
        net.member(f"{root}.3.{k}", f"{root}.2.0", day=2 if k < 10 else 10)
    net.product("tea")
    net.purchase(f"{root}-before", buyer=f"{root}.2.1", promoter=root, product="tea",
                 amount=10_000, commission=700, day=3)
    if earns:  # commission from the organization after leaving
        net.purchase(f"{root}-after", buyer=f"{root}.3.15", promoter=root, product="tea",
                     amount=10_000, commission=500, day=20)


def test_a_leader_who_left_counts_later_recruits_only_while_still_earning(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    leaver(net, "earns", left=5, earns=True)
    leaver(net, "quits", left=5, earns=False)
    net.load(store, tmp_path)
    found = assessed(compliance.report(store, CN, WIDE))
    earns, quits = found["earns"], found["quits"]
    (org,) = earns.organizations
    assert (org.left_at, org.commission_after_leaving, org.recruited_after_leaving,
            org.after_leaving_counted) == (at(5), 500, 10, True)
    assert (earns.people, earns.levels, earns.tier) == (30, 3, "threshold")
    (org,) = quits.organizations
    assert (org.commission_after_leaving, org.recruited_after_leaving,
            org.after_leaving_counted) == (0, 10, False)
    assert (quits.people, quits.levels, quits.tier) == (20, 3, "none")  # 1 + 9 + 10
    assert org.per_level == [1, 9, 10]
    assert "AFTER_LEAVING" in [r.code for r in earns.rules]
    before = assessed(compliance.report(store, CN, Window(at(-1), at(4)), root_id="earns"))
    assert before["earns"].organizations[0].left_at is None
    assert before["earns"].people == 20  # not left yet; the later 10 had not joined


def test_team_remuneration_without_an_entry_fee_is_not_the_criminal_pattern(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    recruits = organization(net, "team", [9, 20])
    net.product("tea", price=10_000)
    for k, member in enumerate(recruits):  # sales only, commission to the referrer's line
        net.purchase(f"t{k}", buyer=member, promoter="team", product="tea", amount=10_000,
                     commission=1_000, day=10)
    net.purchase("retail", promoter="team.2.0", product="tea", amount=10_000,
                 commission=1_000, day=11)
    net.load(store, tmp_path)
    report = compliance.report(store, CN, WIDE)
    (a,) = report.opinion
    console = Console(width=220, record=True, color_system=None)
    for table in render.tables(report):
        console.print(table)
    assert "team remuneration" in console.export_text()  # the CLI's table shows it
    assert (a.people, a.levels, a.tier, a.fees) == (30, 3, "threshold", 0)
    assert status(a) == {"ENTRY_FEE": "not_met", "LEVELS": "met",
                         "RECRUITMENT_REWARDS": "not_met"}
    assert a.pattern == "team_remuneration" and not a.criminal
    assert "not the criminal pattern" in a.message
    assert [r.code for r in a.rules] == ["COUNTING", "TEAM_REMUNERATION"]
    rewards = {c.code: c for c in a.conditions}["RECRUITMENT_REWARDS"]
    assert (rewards.numbers["commission"], rewards.numbers["entry_commission"],
            rewards.numbers["sales_commission"]) == (30_000, 0, 30_000)
    entry = {c.code: c for c in a.conditions}["ENTRY_FEE"]
    assert (entry.numbers["recruits"], entry.numbers["buying_recruits"],
            entry.numbers["paying_recruits"]) == (29, 29, 0)


def test_a_policy_without_the_opinion_assesses_nobody(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    organization(net, "big", [9, 120])
    net.load(store, tmp_path)
    assert compliance.report(store, policy.load("us-ftc"), WIDE).opinion == []
    plain = policy.parse("[threshold]\nmin_levels = 3\nmin_people = 30\n")
    assert compliance.report(store, plain, WIDE).opinion == []
