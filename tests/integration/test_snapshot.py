"""The analytic snapshot against a real embedded store, and downline health from it.

Hand-built forests (a path, a star, two trees, a referral after as_of) check the
columns; the Cypher walk (``tests.oracle.downline.health``) is the oracle the snapshot's answer must
equal, field for field, on the hand tree of test_downline and on random networks.
"""

from __future__ import annotations

import tempfile
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from refnet.graph.errors import BadInput, NotFound, ResultTooLarge
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.queries import downline, snapshot
from refnet.queries.downline.columns import health_from, team_from, upline_from
from refnet.queries.snapshot import NONE
from refnet.queries.snapshot.build import node_range
from refnet.queries.window import DAY_MS, Window, latest_event
from tests.graphs import Network, at
from tests.integration.test_downline import AS_OF, WINDOW, tree
from tests.oracle import downline as oracle
from tests.oracle import snapshot_rows
from tests.oracle import window as window_oracle


def unversioned(h: downline.DownlineHealth) -> downline.DownlineHealth:
    """The answer without the data version it names (the Cypher walk names none)."""
    assert h.data_version is not None
    return replace(h, data_version=None)


def assert_same(got: snapshot.Snapshot, want: snapshot.Snapshot) -> None:
    """Equal column for column: the same values, dtypes and code tables (not where
    each was mapped from)."""
    for f in fields(snapshot.Snapshot):
        if f.name == "home":
            continue
        a, b = getattr(got, f.name), getattr(want, f.name)
        if isinstance(b, np.ndarray):
            assert a.dtype == b.dtype, f.name
            assert np.array_equal(a, b, equal_nan=b.dtype.kind == "f"), f.name
        else:
            assert a == b, f.name


def typed(table: dict[str, list]) -> dict[str, list]:
    return {name: [(type(v), v) for v in values] for name, values in table.items()}


def columns(snap: snapshot.Snapshot) -> dict[str, list]:
    return {name: np.asarray(getattr(snap, name)).tolist()
            for name in ("ids", "parent", "root", "depth", "size")}


def test_path_star_and_two_trees(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.chain("a", "b", "c", "d", day=1)  # a path: a -> b -> c -> d
    net.member("s")
    for leaf in ("s3", "s1", "s2"):  # a star, children stored out of id order
        net.member(leaf, "s", day=2)
    net.load(store, tmp_path)
    snap = snapshot.build(store, page=2)  # pages of two: paging must not lose a row
    assert columns(snap) == {
        "ids": ["a", "b", "c", "d", "s", "s1", "s2", "s3"],
        "parent": [-1, 0, 1, 2, -1, 4, 4, 4],
        "root": [0, 0, 0, 0, 4, 4, 4, 4],
        "depth": [0, 1, 2, 3, 0, 1, 1, 1],
        "size": [4, 3, 2, 1, 4, 1, 1, 1],
    }
    assert snap.ref_at[0] == NONE and snap.ref_at[1] == at(2)  # b joined on day 1 + 1
    assert [snap.position(m) for m in ("a", "d", "s2", "zz", "")] == [0, 3, 6, None, None]
    # ancestry: two comparisons and a depth difference
    a, d = snap.position("a"), snap.position("d")
    assert a < d < a + snap.size[a] and snap.depth[d] - snap.depth[a] == 3
    assert snap.version == snapshot.version_of(store)


def test_purchases_columns_and_round_trip(tree_store: FalkorDBStore, tmp_path: Path) -> None:
    snap = snapshot.build(tree_store)
    assert len(snap.p_at) == 8
    assert np.all(np.diff(snap.p_promoter) >= 0)  # sorted by promoter position
    assert np.all(np.diff(np.asarray(snap.p_buyer)[snap.by_buyer]) >= 0)
    assert sorted(snap.statuses) == ["paid", "refunded"]
    assert int((snap.p_entry == 1).sum()) == 1 and int((snap.p_buyer == -1).sum()) == 1
    saved = snapshot.open(snapshot.save(snap, tmp_path / "snap"))
    assert isinstance(saved.ids, np.memmap) or isinstance(saved.size, np.memmap)
    assert saved.version == snap.version and saved.statuses == snap.statuses
    assert (saved.member_statuses, saved.tiers) == (snap.member_statuses, snap.tiers)
    assert saved.channels == snap.channels
    for name in snapshot.columns.ARRAYS:
        assert np.array_equal(getattr(saved, name), getattr(snap, name)), name


def test_trust_shares_clicks_and_referrals_outside_the_forest(store: FalkorDBStore,
                                                              tmp_path: Path) -> None:
    net = Network()
    net.chain("x", "y", "z")
    net.chain("p", "q")
    net.trust("z", "x", 0.5, day=3)
    net.trust("q", "p", 1.0, day=4)
    net.trust("x", "q", 0.25, day=2)
    net.share("s2", "p", "tea", day=5, channel="moments")
    net.share("s1", "x", "tea", day=5)
    net.share("s3", "x", "tea", day=6, channel="moments")
    net.click("q", "s2", day=6)
    net.click("y", "s1", day=7)
    net.click("z", "s1", day=6)
    net.purchase("o1", product="tea", amount=100, buyer="y", promoter="x", share="s1", day=8)
    net.purchase("o2", product="tea", amount=200, buyer="q", promoter="p", day=8)
    net.load(store, tmp_path)
    # what the loader refuses, written behind its back: y gets a second referrer (q),
    # and z -> x closes a cycle x -> y -> z -> x
    store.execute("MATCH (a:Member {id: 'q'}), (b:Member {id: 'y'}) "
                  "CREATE (a)-[:REFERRED {at: $t}]->(b)", {"t": at(9)}, write=True)
    store.execute("MATCH (a:Member {id: 'z'}), (b:Member {id: 'x'}) "
                  "CREATE (a)-[:REFERRED {at: $t}]->(b)", {"t": at(10)}, write=True)
    snap = snapshot.build(store, page=2)
    ids = snap.ids.tolist()
    assert ids == ["p", "q", "x", "y", "z"]  # x's cycle edge is cut: x stays a root
    assert snap.parent.tolist() == [-1, 0, -1, 2, 3]
    pos = {m: i for i, m in enumerate(ids)}

    def named(*columns: np.ndarray) -> list[tuple[str, ...]]:
        rows = zip(*(c.tolist() for c in columns), strict=True)
        return [tuple(ids[v] for v in row) for row in rows]

    # the later referrer of y and the edge that closes the cycle, sorted by child
    assert named(snap.x_child, snap.x_parent) == [("x", "z"), ("y", "q")]
    assert snap.x_at.tolist() == [at(10), at(9)]
    assert named(snap.t_src, snap.t_dst) == [("q", "p"), ("x", "q"), ("z", "x")]
    assert snap.t_weight.tolist() == [1.0, 0.25, 0.5] and snap.t_since[0] == at(4)
    # shares by promoter position, then id: p's s2, then x's s1 and s3
    assert [ids[v] for v in snap.s_promoter.tolist()] == ["p", "x", "x"]
    assert snap.s_at.tolist() == [at(5), at(5), at(6)]
    assert [snap.channels[c] for c in snap.s_channel.tolist()] == [
        "moments", "wechat_group", "moments"]
    # clicks by share, then time: s2 (share 0) by q; s1 (share 1) by z, then y
    assert snap.c_share.tolist() == [0, 1, 1]
    assert [ids[v] for v in snap.c_viewer.tolist()] == ["q", "z", "y"]
    # purchases by promoter position: o2 (p, no share), o1 (x, via s1)
    assert snap.p_promoter.tolist() == [pos["p"], pos["x"]]
    assert snap.p_share.tolist() == [-1, 1]
    assert snap.nbytes > 0


class Capped:
    """The store with a row cap of ``cap`` on every read: the 1M cap, made small."""

    def __init__(self, store: FalkorDBStore, cap: int) -> None:
        self.store, self.cap = store, cap

    def run(self, name: str, params: dict | None = None, **kw: object) -> object:
        return self.store.run(name, params, max_rows=self.cap)

    def columns(self, name: str, params: dict | None = None, **kw: object) -> object:
        return self.store.columns(name, params, max_rows=self.cap)

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)


def test_edge_pages_halve_under_the_row_cap(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.chain("a", "b", "c", "d", "e", "f")
    for src, dst in (("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f"), ("f", "a")):
        net.trust(src, dst, 0.5)
    net.load(store, tmp_path)
    whole = snapshot.build(store)
    capped = snapshot.build(Capped(store, 2), page=2)  # 2 members' 2 trust edges fit
    for name in snapshot.columns.ARRAYS:
        assert np.array_equal(getattr(capped, name), getattr(whole, name)), name
    net.trust("a", "c", 0.5)
    net.trust("a", "d", 0.5)
    net.load(store, tmp_path / "more")
    with pytest.raises(ResultTooLarge):  # one member's three edges can never fit in two
        snapshot.build(Capped(store, 2), page=2)


def test_pages_of_zero_padded_ids_neither_repeat_nor_lose_an_edge(store: FalkorDBStore,
                                                                   tmp_path: Path) -> None:
    """Ids as exports write them (``m0000001``): FalkorDB's index answers a string range
    with an upper bound wrongly (``m.id <= 'm0000020'`` matched all 40 members here), so
    pages cut by id ranges repeated edges; pages of id lists do not."""
    net = Network()
    ids = [f"m{i:07d}" for i in range(1, 41)]
    net.member(ids[0])
    for i, member in enumerate(ids[1:], start=1):
        net.member(member, ids[(i - 1) // 2], day=i)
        net.trust(member, ids[0], 0.5, day=i)
    net.load(store, tmp_path)
    paged, whole = snapshot.build(store, page=7), snapshot.build(store, page=1_000)
    for name in snapshot.columns.ARRAYS:
        assert np.array_equal(getattr(paged, name), getattr(whole, name)), name
    assert len(paged.x_child) == 0 and len(paged.t_src) == 39 and int(paged.size[0]) == 40


def test_current_builds_once_per_version(tree_store: FalkorDBStore, tmp_path: Path) -> None:
    first = snapshot.current(tree_store, tmp_path)
    where = snapshot.snapshot_dir(tree_store, tmp_path, first.version)
    assert (where / "meta.json").is_file()
    assert [p.name for p in where.parent.iterdir()] == [first.version]  # no temp dir left
    again = snapshot.current(tree_store, tmp_path)
    assert isinstance(again.size, np.memmap) and again.version == first.version
    net = Network()
    net.member("newcomer", day=130)
    net.load(tree_store, tmp_path / "more")  # the load saves the new version's snapshot
    newer = snapshot.current(tree_store, tmp_path)
    assert newer.version != first.version and newer.latest == at(130)
    # the older version's directory is gone; the mapped arrays stay readable
    assert [p.name for p in where.parent.iterdir()] == [newer.version]
    assert int(again.size.sum()) > 0


@pytest.fixture
def tree_store(store: FalkorDBStore, tmp_path: Path) -> FalkorDBStore:
    tree().load(store, tmp_path / "net")
    return store


def test_referral_after_as_of_cuts_its_subtree(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.member("r", day=0)
    net.member("a", "r", day=1)
    net.member("late", "r", day=50)  # after as_of: it and its recruit are not there
    net.member("late1", "late", day=5)
    net.member("a1", "a", day=2)
    net.load(store, tmp_path)
    window = Window(at(10), at(20))
    h = health_from(snapshot.build(store), "r", window)
    assert (h.size, h.depth, [b.id for b in h.branches]) == (2, 2, ["a"])
    assert unversioned(h) == oracle.health(store, "r", window)
    with pytest.raises(NotFound):
        health_from(snapshot.build(store), "late", Window(at(1), at(2)))  # joined later


def test_hand_tree_equals_cypher(tree_store: FalkorDBStore) -> None:
    snap = snapshot.build(tree_store)
    for root in ("R", "A", "D", "D2"):
        for max_depth in (None, 1, 2):
            for top in (1, 10):
                want = oracle.health(tree_store, root, WINDOW, max_depth=max_depth, top=top)
                got = unversioned(health_from(snap, root, WINDOW, max_depth=max_depth, top=top))
                assert got == want, (root, max_depth, top)
    h = downline.health(tree_store, "R", WINDOW)
    assert h.data_version == snapshot.version_of(tree_store)
    assert unversioned(h) == oracle.health(tree_store, "R", WINDOW)
    assert WINDOW.end == AS_OF


def test_bad_arguments(tree_store: FalkorDBStore) -> None:
    snap = snapshot.build(tree_store)
    with pytest.raises(NotFound):
        health_from(snap, "nobody", WINDOW)
    with pytest.raises(BadInput):
        health_from(snap, "R", WINDOW, max_depth=0)
    with pytest.raises(BadInput):
        health_from(snap, "R", WINDOW, top=0)
    with pytest.raises(BadInput):
        health_from(snap, "", WINDOW)


# -- the oracle: random networks, the Cypher answer and the snapshot's agree ----------------


@st.composite
def networks(draw: st.DrawFn) -> Network:
    n = draw(st.integers(1, 20))
    net = Network()
    days: list[int] = []
    for i in range(n):
        referred = i > 0 and draw(st.integers(0, 5)) > 0
        parent = draw(st.integers(max(0, i - 4), i - 1)) if referred else None
        # mostly after the referrer (a few before it: a late referral of an old member)
        day = draw(st.integers(0, 10)) + (0 if parent is None else days[parent] - 2)
        days.append(max(day, 0))
        net.member(f"m{i}", None if parent is None else f"m{parent}", day=days[-1])
    net.product("tea", price=1_000)
    net.product("pack", price=5_000, entry_package=True)
    for k in range(draw(st.integers(0, 16))):
        who = st.none() | st.integers(0, n - 1).map(lambda i: f"m{i}")
        amount = draw(st.integers(1, 50)) * 100
        net.purchase(f"o{k}", product=draw(st.sampled_from(["tea", "pack"])),
                     amount=amount, day=draw(st.integers(0, 60)),
                     buyer=draw(who), promoter=draw(who),
                     commission=draw(st.none() | st.integers(0, amount)),
                     status=draw(st.sampled_from(["paid", "settled", "refunded"])))
    return net


def drawn_case(store: FalkorDBStore, net: Network, data: st.DataObject
               ) -> tuple[snapshot.Snapshot, Window, str]:
    """``net`` loaded into ``store`` and its snapshot, a random window and a random member
    (the roots of the biggest trees more often): the draw the web app's questions'
    property tests share."""
    store.clear()
    with tempfile.TemporaryDirectory() as out:
        net.load(store, Path(out))
    snap = snapshot.build(store)
    as_of = at(data.draw(st.integers(10, 60)))
    window = Window(as_of - data.draw(st.integers(1, 30)) * 86_400_000, as_of)
    ids = [r["member_id"] for r in net.rows["members"]]
    return snap, window, data.draw(st.sampled_from(ids[:2] * 3 + ids))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(net=networks(), data=st.data())
def test_snapshot_health_equals_cypher(store: FalkorDBStore, net: Network,
                                       data: st.DataObject) -> None:
    store.clear()
    with tempfile.TemporaryDirectory() as out:
        net.load(store, Path(out))
    page = data.draw(st.integers(1, 20))
    snap = snapshot.build(store, page=page)
    assert_same(snap, snapshot_rows.build(store, page=page))
    assert snap.latest == window_oracle.latest_event(store)
    as_of = at(data.draw(st.integers(10, 60)))
    window = Window(as_of - data.draw(st.integers(1, 30)) * 86_400_000, as_of)
    max_depth = data.draw(st.none() | st.integers(1, 4))
    top = data.draw(st.integers(1, 4))
    ids = [r["member_id"] for r in net.rows["members"]]
    root = data.draw(st.sampled_from(ids[:2] + ids))  # roots of big trees more often
    try:
        want = oracle.health(store, root, window, max_depth=max_depth, top=top)
    except NotFound:
        with pytest.raises(NotFound):
            health_from(snap, root, window, max_depth=max_depth, top=top)
        return
    got = unversioned(health_from(snap, root, window, max_depth=max_depth, top=top))
    event(f"size {min(want.size, 5)} depth {want.depth}")  # --hypothesis-show-statistics
    assert got == want


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(net=networks(), data=st.data())
def test_snapshot_team_equals_cypher(store: FalkorDBStore, net: Network,
                                     data: st.DataObject) -> None:
    store.clear()
    with tempfile.TemporaryDirectory() as out:
        net.load(store, Path(out))
    snap = snapshot.build(store, page=data.draw(st.integers(1, 20)))
    as_of = at(data.draw(st.integers(0, 60)))
    ids = [r["member_id"] for r in net.rows["members"]]
    for root in data.draw(st.lists(st.sampled_from(ids[:2] + ids), min_size=1, max_size=4)):
        try:
            want = oracle.team_cypher(store, root, as_of)
        except NotFound:
            with pytest.raises(NotFound):
                team_from(snap, root, as_of)
            continue
        assert team_from(snap, root, as_of) == want, (root, as_of)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(net=networks(), data=st.data())
def test_snapshot_upline_equals_cypher(store: FalkorDBStore, net: Network,
                                       data: st.DataObject) -> None:
    store.clear()
    with tempfile.TemporaryDirectory() as out:
        net.load(store, Path(out))
    snap = snapshot.build(store, page=data.draw(st.integers(1, 20)))
    as_of = data.draw(st.none() | st.integers(0, 60).map(at))
    ids = [r["member_id"] for r in net.rows["members"]]
    for member in data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4)):
        try:
            want = oracle.upline_cypher(store, member, as_of)
        except NotFound:
            with pytest.raises(NotFound):
                upline_from(snap, member, as_of)
            continue
        assert upline_from(snap, member, as_of) == want, (member, as_of)


def test_upline_from_the_snapshot_equals_cypher(tree_store: FalkorDBStore) -> None:
    snap = snapshot.build(tree_store)
    for member in np.asarray(snap.ids).tolist():
        for as_of in (None, at(0), at(40), AS_OF, at(200)):
            try:
                want = oracle.upline_cypher(tree_store, member, as_of)
            except NotFound:
                with pytest.raises(NotFound):
                    downline.upline(tree_store, member, as_of)
                continue
            assert downline.upline(tree_store, member, as_of) == want, (member, as_of)
    assert snap.tiers or snap.member_statuses


def test_team_from_the_snapshot(store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    net.member("r", day=0)
    net.member("b", "r", day=1)
    net.member("a", "r", day=1)
    net.member("late", "r", day=50)  # referred after as_of: it and its recruit are out
    net.member("late1", "late", day=5)
    net.member("a1", "a", day=2)
    net.load(store, tmp_path / "net")
    as_of = at(20)
    assert downline.team(store, "r", as_of) == ["r", "a", "a1", "b"]
    assert downline.team(store, "r", as_of) == oracle.team_cypher(store, "r", as_of)
    assert team_from(snapshot.build(store), "a", as_of) == ["a", "a1"]
    with pytest.raises(NotFound):
        downline.team(store, "late", at(2))  # joined later
    with pytest.raises(NotFound):
        downline.team(store, "nobody", as_of)
    with pytest.raises(BadInput):
        downline.team(store, "", as_of)


@pytest.mark.parametrize("days_back", [0, 60, 120])
def test_synthetic_network_equals_cypher(synthetic_store: FalkorDBStore, days_back: int) -> None:
    snap = snapshot.build(synthetic_store, page=700)  # three pages of members
    assert snap.members == 2_000 and len(set(np.asarray(snap.ids).tolist())) == 2_000
    latest = latest_event(synthetic_store)
    assert latest is not None
    window = Window.days_before(latest - days_back * DAY_MS, 30)
    roots = np.flatnonzero(np.asarray(snap.parent) == -1)
    largest = roots[np.argsort(-np.asarray(snap.size)[roots], kind="stable")[:2]]
    inner = np.flatnonzero(np.asarray(snap.size) > 3)
    picks = [*largest.tolist(), *np.random.default_rng(days_back).choice(inner, 4).tolist()]
    compared = 0
    for pos in picks:
        root = str(snap.ids[pos])
        for max_depth in (None, 1, 3):
            try:
                want = oracle.health(synthetic_store, root, window, max_depth=max_depth,
                                       top=50)
            except NotFound:
                with pytest.raises(NotFound):
                    health_from(snap, root, window, max_depth=max_depth, top=50)
                continue
            assert unversioned(health_from(snap, root, window, max_depth=max_depth, top=50)) == want
            compared += 1
    assert compared >= 6


@pytest.mark.parametrize("page", [700, snapshot.PAGE])
def test_synthetic_network_equals_the_row_build(synthetic_store: FalkorDBStore,
                                                page: int) -> None:
    """The build reads columns and maps edges by node id; the build it replaced read
    rows and mapped by id (``tests.oracle.snapshot_rows``): the same snapshot."""
    assert_same(snapshot.build(synthetic_store, page=page),
                snapshot_rows.build(synthetic_store, page=page))


def test_odd_data_equals_the_row_build(store: FalkorDBStore, tmp_path: Path) -> None:
    """What the loader never writes, written behind its back: missing values, a share
    with two promoters, a purchase with two buyers, a second referral, a cycle, edges
    into nodes that are not members or shares. (Not a member id that is a number: the
    row build sent ids as text and lost that member's edges; node ids find them.)"""
    net = Network()
    net.chain("a", "b", "c")
    net.chain("d", "e")
    net.trust("a", "b", 0.5, day=1)
    net.share("s1", "a", "tea", day=2)
    net.click("b", "s1", day=3)
    net.purchase("o1", product="tea", amount=100, buyer="b", promoter="a", share="s1", day=4)
    net.load(store, tmp_path)
    for text in (
        "CREATE (:Member {id: 'n'}), (:Member {id: 'k'}), (:Share {id: 's9'}), "
        "(:Purchase {id: 'o9'}), (:Purchase {id: 'o8', amount: 5, status: 'paid'})",
        "MATCH (a:Member {id: 'n'}), (b:Member {id: 'k'}) "
        "CREATE (a)-[:TRUSTS]->(b), (b)-[:TRUSTS {weight: 1, since: 5}]->(a), "
        "(a)-[:REFERRED]->(b), (b)-[:REFERRED {at: 3}]->(a)",
        "MATCH (a:Member {id: 'e'}), (b:Member {id: 'c'}) CREATE (a)-[:REFERRED]->(b)",
        "MATCH (a:Member {id: 'd'}), (s:Share {id: 's1'}), (t:Share {id: 's9'}) "
        "CREATE (a)-[:SHARED]->(s), (a)-[:CLICKED]->(s), (a)-[:CLICKED {at: 9}]->(t)",
        "MATCH (a:Member {id: 'd'}), (x:Purchase {id: 'o1'}), (y:Purchase {id: 'o8'}) "
        "CREATE (a)-[:MADE]->(x), (a)-[:MADE]->(y), (y)-[:VIA]->(:Share {id: 's7'})",
        "MATCH (a:Member {id: 'a'}), (p:Product) CREATE (a)-[:TRUSTS {weight: 0.1}]->(p)",
    ):
        store.execute(text, write=True)
    for page in (1, 3, snapshot.PAGE):
        assert_same(snapshot.build(store, page=page), snapshot_rows.build(store, page=page))
    # each store's columns take their own path (FalkorDB's from the compact reply, Neo4j's
    # collected into one row on the server): the same values, of the same types, as run's
    # (here ints, doubles, an int weight, booleans, nulls)
    ids = node_range(store, 1)
    every = {"lo": ids.start, "hi": ids.stop}
    for name in ("snapshot/members", "snapshot/referrals", "snapshot/trust", "snapshot/shares",
                 "snapshot/clicks", "snapshot/purchases"):
        fast = store.columns(name, every)
        slow = store.run(name, every).by_column()
        assert typed(fast) == typed(slow) and len(next(iter(slow.values()))) > 0, name


def test_empty_store(store: FalkorDBStore, tmp_path: Path) -> None:
    snap = snapshot.current(store, tmp_path)
    assert_same(snap, snapshot_rows.build(store))
    assert (snap.members, len(snap.p_at), snap.version) == (0, 0, "0-none")
    assert snap.position("anyone") is None
    with pytest.raises(NotFound):
        health_from(snap, "anyone", WINDOW)


def test_unwritable_data_dir_answers_from_memory(tree_store: FalkorDBStore,
                                                 tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    snapshot.forget()
    snap = snapshot.current(tree_store, blocked)  # cannot save: kept in memory
    assert not isinstance(snap.size, np.memmap) and snap.members == 10
    assert snapshot.current(tree_store, blocked) is snap  # kept per version
