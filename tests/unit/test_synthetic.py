"""The synthetic network: deterministic, canonical, and shaped like organizers' networks.

Every check reads the written files back (not the generator's internals), so what is
tested is what a loader will see.
"""

from __future__ import annotations

import csv
import dataclasses
import re
import statistics
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refnet.graph import model
from refnet.graph.errors import BadInput
from refnet.loaders import canonical, synthetic
from refnet.loaders.synthetic import catalog, files, forest

Rows = list[dict[str, str]]
TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
WEIGHT = re.compile(r"(0\.\d{3}|1\.000)")
END = synthetic.DEFAULT_END


def load(out: Path) -> dict[str, Rows]:
    data = {}
    for spec in canonical.FILES:
        with (out / spec.filename).open(encoding="utf-8", newline="") as fh:
            data[spec.entity] = list(csv.DictReader(fh))
    return data


def ts(text: str) -> datetime:
    assert TIME.fullmatch(text), text
    return datetime.fromisoformat(text)


def referral_graph(members: Rows) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(r["member_id"] for r in members)
    g.add_edges_from((r["referrer_id"], r["member_id"]) for r in members if r["referrer_id"])
    return g


def depth_of_trees(g: nx.DiGraph) -> dict[str, tuple[int, int]]:
    """Per root: (members in its tree, depth of its tree in edges), via networkx."""
    out = {}
    for root in (v for v in g if g.in_degree(v) == 0):
        lengths = nx.single_source_shortest_path_length(g, root)
        out[root] = (len(lengths), max(lengths.values()))
    return out


def check_invariants(out: Path, stats: synthetic.NetworkStats, end: datetime = END) -> None:
    """What must hold for any size and seed: the canonical shape, a valid forest, every
    reference resolvable, every time after its actor joined and before ``end``."""
    for spec in canonical.FILES:
        raw = (out / spec.filename).read_bytes()
        assert raw.decode("utf-8").split("\n", 1)[0] == ",".join(spec.header)
        assert stats.files[spec.entity] == out / spec.filename
    d = load(out)
    for spec in canonical.FILES:
        assert stats.rows[spec.entity] == len(d[spec.entity])
        for row in d[spec.entity]:
            for col in spec.columns:  # every cell reads back as the loader reads it
                canonical.parse_value(col, row[col.name])

    joined = {r["member_id"]: ts(r["joined_at"]) for r in d["members"]}
    assert len(joined) == len(d["members"]) == stats.members
    for r in d["members"]:
        if r["referrer_id"]:
            assert joined[r["referrer_id"]] < joined[r["member_id"]]
        assert r["status"] in ("active", "inactive", "banned")
        assert r["tier"] in ("member", "vip", "leader")
        assert r["platform"] in ("taobao", "pdd", "jd", "youzan", "wechat")
        assert joined[r["member_id"]] < end
    g = referral_graph(d["members"])
    assert nx.is_forest(g.to_undirected()) and max((g.in_degree(v) for v in g), default=0) <= 1
    assert nx.is_directed_acyclic_graph(g)

    accounts = Counter((r["platform"], r["account_id"]) for r in d["accounts"])
    assert all(n == 1 for n in accounts.values())
    assert all(r["member_id"] in joined for r in d["accounts"])

    products = {r["product_id"]: r for r in d["products"]}
    assert len(products) == len(d["products"])
    for p in products.values():
        assert p["category"] in catalog.CATEGORIES and int(p["price"]) > 0
        assert p["entry_package"] in ("true", "false") and "," not in p["name"]

    seen = set()
    for r in d["trust"]:
        src, dst = r["src_id"], r["dst_id"]
        assert src != dst and (src, dst) not in seen and src in joined and dst in joined
        seen.add((src, dst))
        assert WEIGHT.fullmatch(r["weight"]) and 0 < float(r["weight"]) <= 1
        assert r["source"] in ("referral", "purchase", "group")
        assert max(joined[src], joined[dst]) <= ts(r["since"]) < end

    shares = {r["share_id"]: r for r in d["shares"]}
    assert len(shares) == len(d["shares"])
    for s in shares.values():
        assert s["product_id"] in products and s["promoter_id"] in joined
        assert joined[s["promoter_id"]] < ts(s["at"]) < end
        assert s["channel"] in ("wechat_group", "moments", "private", "live")

    clicked = Counter((r["viewer_id"], r["share_id"]) for r in d["clicks"])
    assert all(n == 1 for n in clicked.values())
    for r in d["clicks"]:
        s = shares[r["share_id"]]
        at = ts(r["at"])
        assert joined[r["viewer_id"]] < at < end and ts(s["at"]) < at
        assert r["viewer_id"] != s["promoter_id"]

    orders = Counter(r["order_id"] for r in d["purchases"])
    assert all(n == 1 for n in orders.values())
    for r in d["purchases"]:
        at = ts(r["at"])
        assert at < end and r["product_id"] in products
        for who in (r["buyer_id"], r["promoter_id"]):
            assert not who or joined[who] < at
        if r["share_id"]:
            s = shares[r["share_id"]]
            assert s["promoter_id"] == r["promoter_id"] and ts(s["at"]) < at
            assert s["product_id"] == r["product_id"]
        price, amount, commission = (int(products[r["product_id"]]["price"]), int(r["amount"]),
                                     int(r["commission"]))
        assert amount % price == 0 and 1 <= amount // price <= 3
        assert round(0.05 * amount) <= commission <= round(0.30 * amount)
        assert r["status"] in ("paid", "settled", "refunded", "invalid")

    trees = depth_of_trees(g)
    assert stats.roots == len(trees)
    assert stats.max_depth == max(depth for _, depth in trees.values())
    assert stats.largest_tree == max(size for size, _ in trees.values())
    assert stats.organizations == sum(size > 1 for size, _ in trees.values())


# --- determinism --------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a = synthetic.generate(1500, tmp_path / "a", seed=3)
    b = synthetic.generate(1500, tmp_path / "b", seed=3)
    c = synthetic.generate(1500, tmp_path / "c", seed=4)
    assert a == dataclasses.replace(b, files=a.files)
    for spec in canonical.FILES:
        assert a.files[spec.entity].read_bytes() == b.files[spec.entity].read_bytes()
    assert all(a.files[spec.entity].read_bytes() != c.files[spec.entity].read_bytes()
               for spec in canonical.FILES)


def test_default_seed_and_end() -> None:
    assert synthetic.DEFAULT_SEED == 7
    assert datetime(2026, 11, 1, tzinfo=UTC) == synthetic.DEFAULT_END


def test_end_moves_every_time_and_naive_means_utc(tmp_path: Path) -> None:
    end = datetime(2024, 6, 1, 12, 0)
    stats = synthetic.generate(400, tmp_path, seed=1, end=end)
    check_invariants(tmp_path, stats, end=end.replace(tzinfo=UTC))
    first = min(ts(r["joined_at"]) for r in load(tmp_path)["members"])
    assert end.replace(tzinfo=UTC) - timedelta(days=366) < first


# --- the shape at 2,000 members --------------------------------------------------------------


@pytest.fixture(scope="module")
def net2k(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, synthetic.NetworkStats]:
    out = tmp_path_factory.mktemp("net2k")
    return out, synthetic.generate(2000, out)


def test_invariants_2k(net2k: tuple[Path, synthetic.NetworkStats]) -> None:
    check_invariants(*net2k)


def test_forest_shape_2k(net2k: tuple[Path, synthetic.NetworkStats]) -> None:
    out, stats = net2k
    members = load(out)["members"]
    assert stats.members == 2000 and [r["member_id"] for r in members][:2] == ["m0001", "m0002"]
    recruits = Counter(r["referrer_id"] for r in members if r["referrer_id"])
    assert max(recruits.values()) >= 10 * statistics.median(recruits.values())
    trees = depth_of_trees(referral_graph(members))
    size, depth = max(trees.values())
    assert depth >= 10 and size == stats.largest_tree
    assert stats.organizations >= 3
    assert stats.roots > stats.organizations  # some members joined on their own
    sizes = sorted((s for s, _ in trees.values() if s > 1), reverse=True)
    assert sizes[0] > 2 * sizes[1]  # one big org, smaller ones
    tiers = Counter(r["tier"] for r in members)
    assert tiers["leader"] >= 1 and tiers["member"] > tiers["vip"] > tiers["leader"]
    status = Counter(r["status"] for r in members)
    assert status["active"] > status["inactive"] > status["banned"] > 0


def test_volumes_roughly_proportional(net2k: tuple[Path, synthetic.NetworkStats]) -> None:
    _, stats = net2k
    per_member = {k: v / stats.members for k, v in stats.rows.items()}
    assert 2.4 <= per_member["trust"] <= 3.6
    assert 1.2 <= per_member["shares"] <= 1.8
    assert 3.0 <= per_member["clicks"] <= 5.0
    assert 0.7 <= per_member["purchases"] <= 1.3
    assert 1.1 <= per_member["accounts"] <= 1.6
    assert stats.rows["products"] == 40


def test_commerce_shape_2k(net2k: tuple[Path, synthetic.NetworkStats]) -> None:
    out, _ = net2k
    d = load(out)
    joined = {r["member_id"]: ts(r["joined_at"]) for r in d["members"]}
    referrer = {r["member_id"]: r["referrer_id"] for r in d["members"]}
    entry = {r["product_id"] for r in d["products"] if r["entry_package"] == "true"}
    assert 3 <= len(entry) <= 6
    assert any(r["price"] == "42500" for r in d["products"] if r["product_id"] in entry)

    p = d["purchases"]
    outside = sum(not r["buyer_id"] for r in p) / len(p)
    assert 0.15 <= outside <= 0.45
    assert sum(bool(r["share_id"]) for r in p) > len(p) / 3
    assert any(r["share_id"] and r["buyer_id"] == r["promoter_id"] for r in p)  # self-purchase
    assert {r["status"] for r in p} == {"paid", "settled", "refunded", "invalid"}
    joins = [r for r in p if r["product_id"] in entry]
    assert len(joins) > 50
    for r in joins:  # bought right after joining, the referrer gets the commission
        assert r["promoter_id"] == referrer[r["buyer_id"]] and not r["share_id"]
        assert ts(r["at"]) - joined[r["buyer_id"]] < timedelta(hours=7)

    sources = Counter(r["source"] for r in d["trust"])
    assert sources["referral"] > sources["group"] > sources["purchase"] > 0
    mean = {s: statistics.mean(float(r["weight"]) for r in d["trust"] if r["source"] == s)
            for s in sources}
    assert mean["referral"] > mean["group"]

    # Clickers are mostly trust neighbours of the promoter.
    ties = {frozenset((r["src_id"], r["dst_id"])) for r in d["trust"]}
    promoter = {r["share_id"]: r["promoter_id"] for r in d["shares"]}
    near = sum(frozenset((r["viewer_id"], promoter[r["share_id"]])) in ties for r in d["clicks"])
    assert near > 0.6 * len(d["clicks"])

    per_promoter = Counter(promoter.values())
    assert max(per_promoter.values()) >= 10 * statistics.median(per_promoter.values())


def test_progress_reports(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    synthetic.generate(300, tmp_path, progress=lambda *c: calls.append(c))
    stages = {stage for stage, _, _ in calls}
    assert {"forest", "trust", "purchases"} <= stages
    assert {f"write {spec.entity}" for spec in canonical.FILES} <= stages
    assert all(0 <= done <= total for _, done, total in calls)
    assert ("write members", 300, 300) in calls


def test_rejects_no_members(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="members must be between 1 and"):
        synthetic.generate(0, tmp_path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(members=st.integers(1, 400), seed=st.integers(0, 2**32 - 1))
def test_invariants_any_size_and_seed(members: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        check_invariants(out, synthetic.generate(members, out, seed=seed))


@pytest.mark.slow
def test_deep_chains_at_20k(tmp_path: Path) -> None:
    stats = synthetic.generate(20_000, tmp_path)
    members = load(tmp_path)["members"]
    trees = depth_of_trees(referral_graph(members))
    size, depth = max(trees.values())
    assert size == stats.largest_tree and depth > 20
    assert stats.max_depth == max(d for _, d in trees.values())
    assert stats.organizations >= 5
    recruits = Counter(r["referrer_id"] for r in members if r["referrer_id"])
    assert max(recruits.values()) >= 50


def test_statuses_are_the_models() -> None:
    """One set of statuses: the generator draws codes into graph/model.py's tuples."""
    assert forest.MEMBER_STATUSES is model.MEMBER_STATUSES
    assert files.PURCHASE_STATUSES is model.PURCHASE_STATUSES
    assert len(forest.MEMBER_STATUS_P) == len(model.MEMBER_STATUSES)
    assert len(files.RECENT_STATUS_P) == len(files.OLD_STATUS_P) \
        == len(model.PURCHASE_STATUSES)
