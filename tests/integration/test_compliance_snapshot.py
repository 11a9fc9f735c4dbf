"""The compliance report from the snapshot against its Cypher oracle (tests/oracle/compliance).

Random networks (late referrals of older members, purchases of every kind, stub
promoters, and referrals the loader refuses written behind its back: second referrers
and cycles), random roots, windows, as-of instants and policies (cn, us-ftc and a
tight one under which every check fires on a few members): every number, flag and
piece of evidence of ``report_from`` equals the oracle's.

Two differences are deliberate, and the comparison allows for them:

* a cycle flag shows one cycle through its members, named by that cycle's smallest
  id; where the members form more than one cycle, which one the oracle shows depends
  on the order FalkorDB returned the edges in, so such flags are compared by their
  numbers and members only;
* a report on one downline when a member has several referrers: the oracle builds its
  forest from the downline's rows alone (a referrer outside the downline is unknown
  to it), the snapshot cuts the whole forest's subtree; such cases are not compared.

A report on one downline reads the root's snapshot slice alone when that decides the
downline (``forest.team_forest``); the property test below holds it to the whole
forest's answer for every root, second referrers and cycles included.
"""

from __future__ import annotations

import csv
import importlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from refnet.graph.errors import BadInput, NotFound
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.queries import compliance, snapshot
from refnet.queries.compliance import ComplianceReport, Flag, opinion, policy
from refnet.queries.compliance.forest import Forest, team_forest
from refnet.queries.compliance.report import report_from
from refnet.queries.window import Window, latest_event
from tests.graphs import Network, at
from tests.oracle.compliance import report as oracle

CN = policy.load("cn")
FTC = policy.load("us-ftc")
TIGHT = policy.parse("""
[commission]
max_levels = 1
plan_levels = 3
[threshold]
min_levels = 2
min_people = 3
[velocity]
days = 5
max_direct_recruits = 1
max_downline_recruits = 2
[entry_packages]
max_revenue_share = 0.2
max_entry_only_buyers = 0.3
[retail]
max_internal_share = 0.4
max_reward_to_retail = 0.5
min_organization_gmv = 1000
""", default_name="tight")


def simple(r: ComplianceReport) -> dict[str | None, Flag]:
    """The cycle flags whose evidence holds every member of the cycle."""
    return {f.member: f for f in r.flags if f.code == "REFERRAL_CYCLE"
            and len(f.evidence[0]) - 1 == f.numbers["members"]}


def same(store: FalkorDBStore, snap: snapshot.Snapshot, pol: policy.Policy, window: Window,
         root: str | None = None, limit: int = 5) -> ComplianceReport | None:
    """Assert the snapshot's report equals the oracle's; the report (None: NotFound or
    BadInput in both).

    Where the members of a cycle form more than one, which cycle a flag shows (and so
    its member, the cycle's smallest id) may differ: those flags are compared by their
    numbers and related members.
    """
    try:
        want = oracle(store, pol, window, root_id=root, evidence_limit=limit)
    except (NotFound, BadInput) as e:
        with pytest.raises(type(e)):
            report_from(snap, pol, window, root_id=root, evidence_limit=limit)
        return None
    runs = store.run("compliance/load_runs").records()
    got = report_from(snap, pol, window, root_id=root, evidence_limit=limit, runs=runs)
    assert got.data_version == snap.version

    def cycles(r: ComplianceReport) -> list[tuple[str, list[str]]]:
        return sorted((repr(f.numbers), f.related) for f in r.flags if f.code == "REFERRAL_CYCLE")

    assert cycles(got) == cycles(want)
    both = simple(got).keys() & simple(want).keys()
    assert [simple(got)[m] for m in sorted(both)] == [simple(want)[m] for m in sorted(both)]

    # the opinion's tiers (no shared accounts, nobody left here) against the oracle's
    # threshold: the leaders reaching the first tier are the roots it flags, same numbers
    if opinion.enabled(pol):
        reached = {a.leader: (a.people, a.levels) for a in got.opinion if a.tier != "none"}
        assert reached == {f.member: (f.numbers["people"], f.numbers["levels"])
                           for f in want.flags if f.code == "PYRAMID_THRESHOLD"}
    else:
        assert got.opinion == []

    def rest(r: ComplianceReport) -> ComplianceReport:
        return replace(r, data_version=None, opinion=[],
                       flags=[f for f in r.flags if f.code != "REFERRAL_CYCLE"])

    got_rest, want_rest = rest(got), rest(want)
    assert got_rest.totals == want_rest.totals
    assert got_rest.checks == want_rest.checks
    for g, w in zip(got_rest.flags, want_rest.flags, strict=True):
        assert g == w, (g.code, g.member)
    assert got_rest == want_rest
    return got


@st.composite
def networks(draw: st.DrawFn) -> tuple[Network, list[tuple[str, str, int]]]:
    """A network loaded through the loader, and referrals to write behind its back
    (referrer, member, day): second referrers and cycles."""
    n = draw(st.integers(1, 24))
    net = Network()
    days: list[int] = []
    for i in range(n):
        referred = i > 0 and draw(st.integers(0, 5)) > 0
        parent = draw(st.integers(max(0, i - 5), i - 1)) if referred else None
        # mostly after the referrer (a few before it: a late referral of an old member)
        day = draw(st.integers(0, 10)) + (0 if parent is None else days[parent] - 2)
        days.append(max(day, 0))
        net.member(f"m{i}", None if parent is None else f"m{parent}", day=days[-1])
    net.product("tea", price=1_000)
    net.product("pack", price=5_000, entry_package=True)
    ids = st.integers(0, n - 1).map(lambda i: f"m{i}")
    for k in range(draw(st.integers(0, 24))):
        who = st.none() | ids
        amount = draw(st.integers(1, 50)) * 100
        net.purchase(f"o{k}", product=draw(st.sampled_from(["tea", "pack"])),
                     amount=amount, day=draw(st.integers(0, 60)),
                     buyer=draw(who), promoter=draw(who | st.just("ghost")),
                     commission=draw(st.none() | st.integers(0, amount)),
                     status=draw(st.sampled_from(["paid", "settled", "paid", "refunded"])))
    extra = draw(st.lists(st.tuples(ids, ids, st.integers(0, 40)), max_size=3)
                 if n > 1 else st.just([]))
    return net, [(p, c, d) for p, c, d in extra if p != c]


def load(store: FalkorDBStore, net: Network, extra: list[tuple[str, str, int]]) -> None:
    store.clear()
    with tempfile.TemporaryDirectory() as out:
        net.load(store, Path(out))
    for parent, child, day in extra:
        store.execute("MATCH (a:Member {id: $p}), (b:Member {id: $c}) "
                      "CREATE (a)-[:REFERRED {at: $t}]->(b)",
                      {"p": parent, "c": child, "t": at(day)}, write=True)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=networks(), data=st.data())
def test_snapshot_report_equals_the_oracle(store: FalkorDBStore,
                                           drawn: tuple[Network, list[tuple[str, str, int]]],
                                           data: st.DataObject) -> None:
    net, extra = drawn
    load(store, net, extra)
    snap = snapshot.build(store)  # extra referrals bypass the data version: build anew
    as_of = at(data.draw(st.integers(0, 70)))
    window = Window(as_of - data.draw(st.integers(1, 60)) * 86_400_000, as_of)
    pol = data.draw(st.sampled_from([TIGHT, TIGHT, CN, FTC]))
    if data.draw(st.booleans()):
        pol = pol.with_plan_levels(data.draw(st.integers(1, 4)))
    limit = data.draw(st.sampled_from([0, 1, 2, 5]))
    got = same(store, snap, pol, window, limit=limit)
    assert got is not None
    event(f"{pol.name}: {min(len(got.flags), 8)} flags, {min(got.totals.members, 9)} members")
    forest = Forest(snap, window.end)  # --hypothesis-show-statistics: the rare paths ran
    event(f"a later referrer takes a member over: {not np.array_equal(forest.ep, forest.main)}")
    event(f"a cycle: {any(f.code == 'REFERRAL_CYCLE' for f in got.flags)}")
    ids = [r["member_id"] for r in net.rows["members"]]
    if not extra:  # see the module docstring
        for root in data.draw(st.lists(st.sampled_from(ids[:2] + ids), max_size=2)):
            same(store, snap, pol, window, root, limit)


@contextmanager
def whole_forest() -> Iterator[None]:
    """``report_from`` as before the team slice: the as-of forest of every member."""
    module = importlib.import_module("refnet.queries.compliance.report")
    kept = module.team_forest
    module.team_forest = lambda *_: None
    try:
        yield
    finally:
        module.team_forest = kept


def answer(snap: snapshot.Snapshot, pol: policy.Policy, window: Window, root: str,
           limit: int) -> ComplianceReport | tuple[type, str]:
    """The report on ``root``'s downline, or the error it raises (its type and text)."""
    try:
        return report_from(snap, pol, window, root_id=root, evidence_limit=limit)
    except (NotFound, BadInput) as e:
        return type(e), str(e)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=networks(), data=st.data())
def test_a_report_on_one_downline_from_its_slice_equals_the_whole_forests(
        store: FalkorDBStore, drawn: tuple[Network, list[tuple[str, str, int]]],
        data: st.DataObject) -> None:
    """Every member as the root, as of any instant: the answer from the root's slice
    (or the fallback where later referrers cross it, or sit above it) is the whole
    forest's, to the last evidence chain and error message."""
    net, extra = drawn
    load(store, net, extra)
    snap = snapshot.build(store)
    as_of = at(data.draw(st.integers(0, 70)))
    window = Window(as_of - data.draw(st.integers(1, 60)) * 86_400_000, as_of)
    pol = data.draw(st.sampled_from([TIGHT, TIGHT, CN, FTC]))
    limit = data.draw(st.sampled_from([0, 1, 5]))
    for root in sorted(str(i) for i in snap.ids):
        sliced = team_forest(snap, window.end, root)
        inside = sliced is not None and len(sliced.x_edges[0]) > 0
        event("the whole forest" if sliced is None
              else "the slice, later referrers inside" if inside else "the slice")
        got = answer(snap, pol, window, root, limit)
        with whole_forest():
            want = answer(snap, pol, window, root, limit)
        assert got == want, root


def test_the_slice_answers_only_when_it_decides_the_downline(store: FalkorDBStore,
                                                            tmp_path: Path) -> None:
    """A later referrer inside the slice keeps the report on it; one from outside it,
    one taking an outsider in, and one above the root (here closing a cycle) send the
    report to the whole forest, from when they are made. Answers stay the whole's."""
    net = Network()
    net.chain("r", "s", "t", "u", day=1)  # r -> s -> t -> u, joined on days 1 to 4
    net.chain("o", "p", day=1)
    net.member("a", day=1)
    net.member("b", "a", day=2)
    net.member("c", "a", day=2)
    net.load(store, tmp_path)
    for parent, child, day in (("b", "c", 3), ("p", "t", 10), ("u", "r", 30)):
        store.execute("MATCH (a:Member {id: $p}), (b:Member {id: $c}) "
                      "CREATE (a)-[:REFERRED {at: $t}]->(b)",
                      {"p": parent, "c": child, "t": at(day)}, write=True)
    snap = snapshot.build(store)
    members = "abcoprstu"
    for day, sliced in ((2, set(members) - {"t", "u"}),  # not joined yet: NotFound
                        (5, set(members) - {"b", "c"}),  # b -> c: inside a's slice only
                        (15, {"a"}),  # p -> t: across r's, s's, t's, o's, p's; above u
                        (35, {"a"})):  # u -> r closes r -> s -> t -> u -> r
        window = Window(at(-1), at(day))
        assert {m for m in members if team_forest(snap, window.end, m)} == sliced, day
        for root in members:
            got = answer(snap, TIGHT, window, root, 5)
            with whole_forest():
                assert got == answer(snap, TIGHT, window, root, 5), (day, root)
    assert answer(snap, TIGHT, Window(at(-1), at(35)), "t", 5)[0] is BadInput


def test_the_tight_policy_raises_every_flag(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.chain("r", "a", "b", "c", day=1)
    for k in range(3):
        net.member(f"r{k}", "r", day=2)
    net.product("pack", price=5_000, entry_package=True)
    net.purchase("p1", buyer="c", promoter="r", product="pack", amount=5_000,
                 commission=2_000, day=6)
    net.purchase("p2", buyer="r1", promoter="r", product="pack", amount=5_000,
                 commission=2_000, day=6)
    net.purchase("p3", promoter="ghost", product="pack", amount=5_000, day=6)
    net.member("loner")
    net.purchase("p4", promoter="loner", product="pack", amount=5_000, day=6)
    net.purchase("p5", promoter="b", product="pack", amount=5_000, day=6)
    net.load(store, tmp_path)
    store.execute("MATCH (a:Member {id: 'c'}), (b:Member {id: 'r'}) "
                  "CREATE (a)-[:REFERRED {at: $t}]->(b)", {"t": at(8)}, write=True)
    store.execute("MATCH (a:Member {id: 'a'}), (b:Member {id: 'r1'}) "
                  "CREATE (a)-[:REFERRED {at: $t}]->(b)", {"t": at(8)}, write=True)
    snap = snapshot.build(store)
    codes = set()
    for day in (5, 7, 9, 30):  # from day 8, c -> r closes a cycle through r's tree
        got = same(store, snap, TIGHT, Window(at(-1), at(day)))
        assert got is not None
        codes |= {f.code for f in got.flags}
    assert {"PYRAMID_THRESHOLD", "COMMISSION_DEPTH", "COMMISSION_PLAN_DEPTH",
            "DIRECT_RECRUITMENT_VELOCITY", "ENTRY_PACKAGE_SHARE", "INTERNAL_CONSUMPTION",
            "RECRUITMENT_REWARD_RATIO", "ENTRY_PACKAGE_ONLY_BUYERS", "SECOND_REFERRER",
            "STUB_PROMOTER", "UNTIED_PROMOTER", "REFERRAL_CYCLE"} <= codes, codes
    same(store, snap, TIGHT, Window(at(-1), at(30)), "a")  # a in a cycle: BadInput in both
    assert got.totals.members == 9


def test_a_later_referrer_takes_over_while_the_first_has_not_joined(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.member("r", day=0)
    net.member("q", "r", day=0)
    net.member("p", day=10)  # c's first referrer joins after c and after as_of
    net.member("c", "p", day=2)
    net.member("d", "c", day=4)
    net.member("e", "r", day=4)
    net.purchase("o1", buyer="d", promoter="r", product="tea", amount=1_000, day=4)
    net.load(store, tmp_path)
    store.execute("MATCH (a:Member {id: 'q'}), (b:Member {id: 'c'}) "
                  "CREATE (a)-[:REFERRED {at: $t}]->(b)", {"t": at(3)}, write=True)
    snap = snapshot.build(store)
    assert snap.parent[snap.position("c")] == snap.position("p")
    window = Window(at(-1), at(5))
    forest = Forest(snap, window.end)
    assert forest.ep[snap.position("c")] == snap.position("q")  # laid out anew
    got = same(store, snap, TIGHT, window)
    assert got is not None and got.totals.deepest_levels == 4  # r -> q -> c -> d
    assert "COMMISSION_DEPTH" in {f.code for f in got.flags}
    for day in (1, 3, 11, 30):
        same(store, snap, TIGHT, Window(at(-1), at(day)))


@pytest.mark.parametrize("days_back", [0, 150])
def test_synthetic_network_equals_the_oracle(synthetic_store: FalkorDBStore,
                                             days_back: int) -> None:
    latest = latest_event(synthetic_store)
    assert latest is not None
    window = Window.days_before(latest - days_back * 86_400_000, 365)
    snap = snapshot.build(synthetic_store)
    for pol in (CN, FTC, TIGHT, CN.with_plan_levels(4)):
        same(synthetic_store, snap, pol, window, limit=20)
    roots = sorted(range(snap.members), key=lambda i: -int(snap.size[i]))[:3]
    for pos in roots:
        same(synthetic_store, snap, CN, window, str(snap.ids[pos]), 50)


def test_ask_names_the_data_version(synthetic_store: FalkorDBStore) -> None:
    params = compliance.ComplianceParams(policy="cn")
    got = compliance.ask(synthetic_store, params)
    assert got.data_version == snapshot.version_of(synthetic_store)


class _WholeNetwork:
    """The store, but every ``compliance/*_below`` query reads the whole network instead:
    the report's own Python then narrows it, as it did before the anchored queries."""

    def __init__(self, store: FalkorDBStore) -> None:
        self._store = store

    def run(self, name: str, params=None, **kw):
        return self._store.run(name.removesuffix("_below"), params, **kw)


def test_the_oracle_on_one_downline_reads_only_it_and_answers_the_same(
        synthetic_store: FalkorDBStore, network_dir: Path) -> None:
    """The oracle's anchored *_below queries answer as its whole-network ones do, and
    the snapshot's report on one downline as both."""
    window = Window(latest_event(synthetic_store) - 365 * 86_400_000,
                    latest_event(synthetic_store))
    with open(network_dir / "members.csv", newline="", encoding="utf-8") as f:
        tree = nx.DiGraph((r["referrer_id"], r["member_id"])
                          for r in csv.DictReader(f) if r["referrer_id"])
    sizes = {m: len(nx.descendants(tree, m)) for m in tree}
    largest = max(sizes, key=lambda m: (sizes[m], m))
    roots = [*sorted(m for m, n in sizes.items() if n >= 30)[:3], largest]
    snap = snapshot.build(synthetic_store)
    for root in roots:
        anchored = oracle(synthetic_store, CN, window, root_id=root, evidence_limit=50)
        whole = oracle(_WholeNetwork(synthetic_store),  # type: ignore[arg-type]
                       CN, window, root_id=root, evidence_limit=50)
        assert anchored == whole, root
        assert same(synthetic_store, snap, CN, window, root, 50) is not None
        assert anchored.totals.members == sizes[root] + 1
