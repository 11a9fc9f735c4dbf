"""Downline health and the upline against a real embedded store.

Hand-built networks have their answers worked out by hand below; the synthetic
network's answers are recomputed independently with networkx and plain Python.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rich.console import Console

from refnet.api.render import downline as render
from refnet.api.render import to_json
from refnet.graph.errors import BadInput, NotFound
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.queries import downline
from refnet.queries.downline import RECRUIT_BUCKETS, Activity, DownlineHealth
from refnet.queries.window import DAY_MS, Window, latest_event
from tests.graphs import Network, at

# -- a tree with a retail branch, an entry-package-only branch and a dead branch ----------
#
#   R ─┬─ A ─┬─ A1          (X joins under A on day 120, after as_of)
#      │     └─ A2
#      ├─ E ─── E1          (E1 joins on day 75, in the window, and buys the entry pack)
#      └─ D ─── D1 ─── D2   (D and D1 were active only in the previous window)
#
# as_of = day 100, 30-day window: since = day 70, previous window = days 40..70.

AS_OF = at(100)
WINDOW = Window(at(70), AS_OF)


def tree() -> Network:
    net = Network()
    for member, referrer, day in [
        ("R", None, 0), ("A", "R", 1), ("E", "R", 2), ("D", "R", 3), ("A1", "A", 10),
        ("A2", "A", 11), ("D1", "D", 12), ("D2", "D1", 50), ("E1", "E", 75), ("X", "A", 120),
    ]:
        net.member(member, referrer, day=day)
    net.product("tea", price=5_000)
    net.product("pack", price=42_500, entry_package=True)
    # An outside buyer through A1, in the window.
    net.purchase("o1", product="tea", promoter="A1", day=80, amount=20_000, commission=2_000)
    net.purchase("o2", buyer="A2", product="tea", promoter="A", day=90, amount=5_000,
                 commission=500)
    net.purchase("o3", buyer="E1", product="pack", promoter="E", day=76, amount=42_500,
                 commission=12_750)
    # Previous window: D1 buys through the root.
    net.purchase("o4", buyer="D1", product="tea", promoter="R", day=50, amount=8_000,
                 commission=800)
    # Refunded: no purchase at all.
    net.purchase("o5", buyer="D2", product="tea", promoter="D", day=95, amount=3_000,
                 status="refunded")
    # Exactly at as_of: in the window.
    net.purchase("o6", buyer="A1", product="tea", promoter="A", day=100, amount=1_000,
                 commission=100)
    # Exactly at since: not in the window, in the previous one.
    net.purchase("o7", buyer="D", product="tea", promoter="D", day=70, amount=2_000,
                 commission=200)
    # After as_of: does not exist yet.
    net.purchase("o8", buyer="D2", product="tea", promoter="D", day=101, amount=9_000,
                 commission=900)
    return net


@pytest.fixture
def tree_store(store: FalkorDBStore, tmp_path: Path) -> FalkorDBStore:
    tree().load(store, tmp_path)
    return store


def level_counts(lv: Activity) -> dict[str, Any]:
    keys = ("members", "active", "never_bought", "new_recruits", "new_recruits_prev",
            "churned", "orders", "gmv", "commission", "entry_gmv", "gmv_prev", "bought_gmv")
    return {k: getattr(lv, k) for k in keys}


def counts(members: int, active: int, never_bought: int, new: int, new_prev: int,
           churned: int, orders: int, gmv: int, commission: int, entry: int, gmv_prev: int,
           bought: int) -> dict[str, int]:
    return {"members": members, "active": active, "never_bought": never_bought,
            "new_recruits": new, "new_recruits_prev": new_prev, "churned": churned,
            "orders": orders, "gmv": gmv, "commission": commission, "entry_gmv": entry,
            "gmv_prev": gmv_prev, "bought_gmv": bought}


def test_tree_levels_and_totals(tree_store: FalkorDBStore) -> None:
    h = downline.health(tree_store, "R", WINDOW)
    assert (h.root, h.since, h.as_of, h.previous_since) == ("R", at(70), at(100), at(40))
    assert (h.size, h.depth, h.max_depth) == (8, 3, None)  # X joined after as_of
    assert [lv.level for lv in h.levels] == [0, 1, 2, 3]
    assert [lv.members for lv in h.levels] == [1, 3, 4, 1]  # breadth per level
    # R: sold o4 in the previous window only; never bought.
    assert level_counts(h.levels[0]) == counts(1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 8_000, 0)
    # A sold o2 + o6 (at as_of), E sold the pack; D bought and sold o7 exactly at since.
    assert level_counts(h.levels[1]) == counts(3, 2, 2, 0, 0, 1, 3, 48_500, 13_350, 42_500,
                                               2_000, 0)
    # A1 sold o1 and bought o6, A2 bought o2, E1 (new) bought the pack, D1 churned.
    assert level_counts(h.levels[2]) == counts(4, 3, 0, 1, 0, 1, 1, 20_000, 2_000, 0, 0,
                                               48_500)
    # D2: refunded and after-as_of purchases do not count.
    assert level_counts(h.levels[3]) == counts(1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0)
    t = h.totals
    assert level_counts(t) == counts(8, 5, 3, 1, 1, 2, 4, 68_500, 15_350, 42_500, 2_000,
                                     48_500)
    assert (t.inactive, t.active_rate) == (3, 5 / 8)
    assert h.levels[0].active_rate == 0.0


def test_tree_branches_dead_and_concentration(tree_store: FalkorDBStore) -> None:
    h = downline.health(tree_store, "R", WINDOW)
    assert [(b.id, b.members, b.depth, b.active, b.gmv, b.entry_gmv) for b in h.branches] == [
        ("E", 2, 1, 2, 42_500, 42_500),  # entry packages only
        ("A", 3, 1, 3, 26_000, 0),  # retail
        ("D", 3, 2, 0, 0, 0),  # dead
    ]
    assert [b.gmv_share for b in h.branches] == [42_500 / 68_500, 26_000 / 68_500, 0.0]
    assert [b.id for b in h.dead] == ["D"]
    assert h.dead[0].churned == 2
    assert (h.dead_branches, h.dead_branch_members) == (1, 3)
    c = h.concentration
    assert c.branches == 3
    assert c.top1_share == pytest.approx(42_500 / 68_500)
    assert c.top3_share == pytest.approx(1.0)
    # sorted [0, 26000, 42500]: 2 * (2*26000 + 3*42500) / (3 * 68500) - 4/3
    assert c.gini == pytest.approx(2 * 179_500 / (3 * 68_500) - 4 / 3)


def test_tree_recruits_distribution(tree_store: FalkorDBStore) -> None:
    r = downline.health(tree_store, "R", WINDOW).recruits
    # A recruited A1, A2 (X comes after as_of); E, D, D1 one each; the rest none.
    assert {b.label: b.members for b in r.buckets} == {
        "0": 4, "1": 3, "2-4": 1, "5-9": 0, "10-49": 0, "50+": 0}
    assert [b.label for b in r.buckets] == [label for label, _, _ in RECRUIT_BUCKETS]
    assert (r.recruiters, r.max_recruits, r.mean) == (4, 2, 5 / 8)
    assert [(x.id, x.recruits) for x in r.top] == [("A", 2), ("D", 1), ("D1", 1), ("E", 1)]


def test_max_depth_cuts_levels_but_not_recruit_counts(tree_store: FalkorDBStore) -> None:
    h = downline.health(tree_store, "R", WINDOW, max_depth=1)
    assert (h.size, h.depth, h.max_depth) == (3, 1, 1)
    assert [lv.members for lv in h.levels] == [1, 3]
    assert [(b.id, b.members, b.gmv) for b in h.branches] == [
        ("E", 1, 42_500), ("A", 1, 6_000), ("D", 1, 0)]
    assert {b.label: b.members for b in h.recruits.buckets if b.members} == {"1": 2, "2-4": 1}
    h2 = downline.health(tree_store, "R", WINDOW, max_depth=2)
    assert (h2.size, h2.depth) == (7, 2)


def test_as_of_in_the_past_hides_later_members_and_purchases(
        tree_store: FalkorDBStore) -> None:
    h = downline.health(tree_store, "R", Window.days_before(at(60), 30))
    assert h.size == 7  # E1 (day 75) and X (day 120) are not there yet
    assert [lv.members for lv in h.levels] == [1, 3, 3, 1]
    assert h.totals.new_recruits == 1  # D2 joined on day 50
    assert h.totals.gmv == 0 and h.levels[0].gmv == 8_000  # o4, sold by the root
    assert h.totals.bought_gmv == 8_000 and h.totals.active == 1  # D1
    assert h.levels[0].active == 1
    assert h.totals.never_bought == 6
    assert (h.concentration.top1_share, h.concentration.gini) == (None, None)
    assert h.dead_branches == 3
    assert [b.id for b in h.dead] == ["A", "D", "E"]  # by size, then id


def test_window_edges(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.chain("r", "a")
    net.purchase("at_since", buyer="a", product="p", promoter="a", day=10, amount=100)
    net.purchase("after_since", buyer="a", product="p", promoter="a", day=10.001, amount=20)
    net.purchase("at_as_of", buyer="a", product="p", promoter="a", day=20, amount=3)
    net.purchase("after", buyer="a", product="p", promoter="a", day=20.001, amount=4_000)
    net.load(store, tmp_path)
    h = downline.health(store, "r", Window(at(10), at(20)))
    assert (h.totals.gmv, h.totals.orders, h.totals.bought_gmv) == (23, 2, 23)
    assert h.totals.gmv_prev == 100  # at since: the previous window's
    assert h.totals.churned == 0 and h.totals.active == 1


def test_chain(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.chain("c0", "c1", "c2", "c3", "c4")
    net.purchase("o", buyer=None, product="p", promoter="c4", day=10, amount=500)
    net.load(store, tmp_path)
    h = downline.health(store, "c0", Window(at(5), at(10)))
    assert (h.size, h.depth) == (4, 4)
    assert [lv.members for lv in h.levels] == [1, 1, 1, 1, 1]
    assert [(b.id, b.members, b.depth, b.gmv) for b in h.branches] == [("c1", 4, 3, 500)]
    assert (h.concentration.top1_share, h.concentration.gini) == (1.0, 0.0)
    assert h.totals.new_recruits == 0  # joined days 1..4, before since
    assert {b.label: b.members for b in h.recruits.buckets if b.members} == {"0": 1, "1": 3}
    mid = downline.health(store, "c2", Window(at(5), at(10)))
    assert (mid.size, mid.depth, [b.id for b in mid.branches]) == (2, 2, ["c3"])
    leaf = downline.health(store, "c4", Window(at(5), at(10)))
    assert (leaf.size, leaf.depth, leaf.branches, leaf.totals.active_rate) == (0, 0, [], None)
    assert [lv.gmv for lv in leaf.levels] == [500]
    assert leaf.recruits.mean is None and leaf.recruits.max_recruits == 0
    assert leaf.concentration == downline.Concentration(0, None, None, None)


def test_star(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.member("hub")
    for i in range(5):
        net.member(f"s{i}", "hub", day=1)
    net.purchase("o1", product="p", promoter="s0", day=3, amount=10_000, commission=1_000)
    net.purchase("o2", product="p", promoter="s1", day=3, amount=30_000, commission=3_000)
    net.load(store, tmp_path)
    h = downline.health(store, "hub", Window(at(2), at(4)))
    assert (h.size, h.depth, [lv.members for lv in h.levels]) == (5, 1, [1, 5])
    assert [(b.id, b.gmv) for b in h.branches] == [
        ("s1", 30_000), ("s0", 10_000), ("s2", 0), ("s3", 0), ("s4", 0)]
    assert (h.dead_branches, h.dead_branch_members) == (3, 3)
    c = h.concentration
    assert (c.top1_share, c.top3_share) == (0.75, 1.0)
    assert c.gini == pytest.approx(0.7)  # sorted [0,0,0,1,3]: 2*19/(5*4) - 6/5
    assert h.totals.commission == 4_000
    assert h.totals.never_bought == 5  # outside buyers only
    small = downline.health(store, "hub", Window(at(2), at(4)), top=2)
    assert [b.id for b in small.branches] == ["s1", "s0"]
    assert [b.id for b in small.dead] == ["s2", "s3"]
    assert small.dead_branches == 3
    assert [x.id for x in small.recruits.top] == []  # nobody below the hub recruited
    assert {b.label: b.members for b in h.recruits.buckets if b.members} == {"0": 5}


def test_unknown_and_future_members(tree_store: FalkorDBStore) -> None:
    with pytest.raises(NotFound, match="no member 'nobody'"):
        downline.health(tree_store, "nobody", WINDOW)
    with pytest.raises(NotFound, match="after the as-of"):
        downline.health(tree_store, "X", WINDOW)  # joins on day 120
    with pytest.raises(NotFound) as e:
        downline.upline(tree_store, "E1", at(60))
    assert e.value.code == "NOT_FOUND"
    with pytest.raises(NotFound):
        downline.upline(tree_store, "ghost")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"max_depth": 0}, "max_depth must be between 1 and 100"),
    ({"max_depth": 101}, "max_depth must be between 1 and 100"),
    ({"max_depth": "3"}, "max_depth must be a whole number"),
    ({"max_depth": True}, "max_depth must be a whole number"),
    ({"top": 0}, "top must be between 1 and 10000"),
    ({"root_id": ""}, "non-empty string"),
    ({"root_id": "a\x01"}, "control characters"),
    ({"window": (1, 2)}, "expected a Window"),
])
def test_bad_arguments(tree_store: FalkorDBStore, kwargs: dict[str, Any], message: str) -> None:
    args = {"root_id": "R", "window": WINDOW, **kwargs}
    with pytest.raises(BadInput, match=message) as e:
        downline.health(tree_store, args.pop("root_id"), args.pop("window"), **args)
    assert e.value.code in ("BAD_USER_INPUT", "NOT_FOUND")


def test_upline(tree_store: FalkorDBStore) -> None:
    u = downline.upline(tree_store, "D2")
    assert [m.id for m in u.chain] == ["R", "D", "D1", "D2"]  # root first
    assert [m.level for m in u.chain] == [0, 1, 2, 3]
    assert (u.member, u.root, u.depth, u.as_of) == ("D2", "R", 3, None)
    assert u.chain[2].joined_at == at(12) and u.chain[2].status == "active"
    assert [m.id for m in downline.upline(tree_store, "X").chain] == ["R", "A", "X"]
    past = downline.upline(tree_store, "D1", at(40))
    assert ([m.id for m in past.chain], past.as_of) == (["R", "D", "D1"], at(40))
    root = downline.upline(tree_store, "R", AS_OF)
    assert (root.root, root.depth, [m.id for m in root.chain]) == ("R", 0, ["R"])
    with pytest.raises(BadInput, match="as_of must be"):
        downline.upline(tree_store, "R", -5)


def test_render_and_json(tree_store: FalkorDBStore) -> None:
    h = downline.health(tree_store, "R", WINDOW)
    console = Console(record=True, width=200)
    for table in render.tables(h):
        console.print(table)
    console.print(render.upline_table(downline.upline(tree_store, "D2", AS_OF)))
    text = console.export_text()
    for expected in ("Downline of R", "¥685.00", "¥425.00", "Dead branches", "62.0%",
                     "Recruits per member", "A (2)", "Upline of D2", "2-4"):
        assert expected in text, expected
    data = to_json(h)
    assert '"gmv": 68500' in data and '"root": "R"' in data


# -- the synthetic network against networkx --------------------------------------------------




def expected_health(store: FalkorDBStore, root: str, window: Window,
                    max_depth: int | None) -> dict[str, Any]:
    """The same quantities from plain pulls, networkx and Python."""
    as_of, since, prev = window.end, window.start, window.previous().start
    edges = store.execute(
        "MATCH (a:Member)-[r:REFERRED]->(b:Member) RETURN a.id, b.id, r.at").rows
    joined = dict(store.execute("MATCH (m:Member) RETURN m.id, m.joined_at").rows)
    purchases = store.execute(
        "MATCH (x:Purchase)-[:OF]->(pr:Product) "
        "OPTIONAL MATCH (b:Member)-[:MADE]->(x) "
        "OPTIONAL MATCH (x)-[:ATTRIBUTED_TO]->(m:Member) "
        "RETURN b.id, m.id, x.at, x.amount, x.commission, x.status, pr.entry_package").rows
    g = nx.DiGraph()
    g.add_node(root)
    g.add_edges_from((a, b) for a, b, t in edges if t is None or t <= as_of)
    level = nx.single_source_shortest_path_length(g, root, cutoff=max_depth)
    branch = {n: nx.shortest_path(g, root, n)[1] for n in level if n != root}
    counters: dict[tuple[str, Any], Counter[str]] = defaultdict(Counter)
    bought: dict[str, list[int]] = defaultdict(list)
    sold: dict[str, list[tuple[int, int, int, bool]]] = defaultdict(list)
    bought_now: Counter[str] = Counter()
    for buyer, promoter, t, amount, commission, status, entry in purchases:
        if status not in ("paid", "settled") or t > as_of:
            continue
        if buyer is not None:
            bought[buyer].append(t)
            if t > since:
                bought_now[buyer] += amount
        if promoter is not None and t > prev:
            sold[promoter].append((t, amount, commission or 0, bool(entry)))
    for n, k in level.items():
        now = [s for s in sold[n] if s[0] > since]
        active = bool(now) or any(since < t <= as_of for t in bought[n])
        active_prev = any(s[0] <= since for s in sold[n]) or any(
            prev < t <= since for t in bought[n])
        j = joined[n]
        row = Counter({
            "members": 1, "active": int(active), "never_bought": int(not bought[n]),
            "new_recruits": int(j is not None and since < j <= as_of),
            "new_recruits_prev": int(j is not None and prev < j <= since),
            "churned": int(active_prev and not active), "orders": len(now),
            "gmv": sum(s[1] for s in now), "commission": sum(s[2] for s in now),
            "entry_gmv": sum(s[1] for s in now if s[3]),
            "gmv_prev": sum(s[1] for s in sold[n] if s[0] <= since),
            "bought_gmv": bought_now[n],
        })
        counters[("level", k)].update(row)
        if n != root:
            counters[("branch", branch[n])].update(row)
    recruits = Counter(sum(1 for _ in g.successors(n)) for n in level if n != root)
    return {"counters": counters, "depth": max(level.values()), "size": len(level) - 1,
            "recruits": recruits}


def _roots(store: FalkorDBStore) -> list[str]:
    """The largest tree's root, a mid-level member with a downline and a leaf."""
    big = store.execute(
        "MATCH (r:Member)-[:REFERRED*]->(d:Member) WHERE NOT ()-[:REFERRED]->(r) "
        "RETURN r.id, count(d) AS n ORDER BY n DESC, r.id LIMIT 2").rows
    mid = store.execute(
        "MATCH (:Member)-[:REFERRED]->(m:Member)-[:REFERRED]->(:Member)-[:REFERRED]->() "
        "RETURN m.id ORDER BY m.id LIMIT 1").scalar()
    leaf = store.execute(
        "MATCH (:Member)-[:REFERRED]->(m:Member) WHERE NOT (m)-[:REFERRED]->() "
        "RETURN m.id ORDER BY m.id LIMIT 1").scalar()
    return [big[0][0], big[1][0], mid, leaf]


def _check(h: DownlineHealth, want: dict[str, Any]) -> None:
    got_levels = {lv.level: level_counts(lv) for lv in h.levels}
    want_levels = {k: dict(c) for (kind, k), c in want["counters"].items() if kind == "level"}
    for k in want_levels:
        want_levels[k] = {key: want_levels[k].get(key, 0) for key in got_levels[k]}
    assert got_levels == want_levels
    assert (h.size, h.depth) == (want["size"], want["depth"])
    want_branches = {k: (c["members"], c["gmv"], c["active"])
                     for (kind, k), c in want["counters"].items() if kind == "branch"}
    assert h.concentration.branches == len(want_branches)
    assert {b.id: (b.members, b.gmv, b.active) for b in h.branches} == {
        b.id: want_branches[b.id] for b in h.branches}
    gmvs = sorted((v[1] for v in want_branches.values()), reverse=True)
    assert [b.gmv for b in h.branches] == gmvs[: len(h.branches)]
    assert h.concentration.gini == (
        None if not sum(gmvs) else pytest.approx(downline.gini(gmvs)))
    r = want["recruits"]
    assert h.recruits.max_recruits == max(r, default=0)
    assert {b.label: b.members for b in h.recruits.buckets} == {
        label: sum(n for k, n in r.items() if k >= low and (high is None or k <= high))
        for label, low, high in RECRUIT_BUCKETS}


@pytest.mark.slow
@pytest.mark.parametrize("days_back", [0, 120])
def test_synthetic_network_matches_networkx(synthetic_store: FalkorDBStore,
                                            days_back: int) -> None:
    latest = latest_event(synthetic_store)
    assert latest is not None
    window = Window.days_before(latest - days_back * DAY_MS, 30)
    roots = _roots(synthetic_store)
    assert len(set(roots)) == 4
    checked = 0
    for root in roots:
        if (joined := synthetic_store.execute(
                "MATCH (m:Member {id: $id}) RETURN m.joined_at", {"id": root}).scalar()) \
                and joined > window.end:
            continue
        for max_depth in (None, 2):
            h = downline.health(synthetic_store, root, window, max_depth=max_depth, top=1_000)
            _check(h, expected_health(synthetic_store, root, window, max_depth))
            checked += 1
    assert checked >= 4
    big = downline.health(synthetic_store, roots[0], window)
    assert big.size > 500 and big.depth > 5 and big.totals.gmv > 0


def test_synthetic_upline_matches_networkx(synthetic_store: FalkorDBStore) -> None:
    edges = synthetic_store.execute(
        "MATCH (a:Member)-[:REFERRED]->(b:Member) RETURN a.id, b.id").rows
    g = nx.DiGraph(edges)
    deepest = max(g.nodes, key=lambda n: (len(nx.ancestors(g, n)), n))
    root = next(n for n in nx.ancestors(g, deepest) if g.in_degree(n) == 0)
    u = downline.upline(synthetic_store, deepest)
    assert [m.id for m in u.chain] == nx.shortest_path(g, root, deepest)
    assert u.depth == len(nx.ancestors(g, deepest))
