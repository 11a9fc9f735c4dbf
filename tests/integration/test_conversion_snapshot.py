"""Conversion from the analytic snapshot against its Cypher oracle (tests/oracle/conversion).

Random networks (referrals, trust with every bucket's edge weights and missing or late
``since``, shares on several channels or none, repeat clicks, purchases through shares,
attributed without one, by outside buyers, refunded) loaded through the real loader;
every grouping, with and without a promoter and a team, over random windows and as-of
instants: the snapshot's report must equal the oracle's, number for number.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from refnet.graph.errors import BadInput, NotFound, RefnetError
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.queries import conversion, snapshot
from refnet.queries.conversion import GROUPS, ConversionReport
from refnet.queries.conversion.funnel import first_purchase_from, funnel_from, split_from
from refnet.queries.window import DAY_MS, Window
from tests import oracle as _oracle  # noqa: F401  (the root the Cypher files resolve under)
from tests.graphs import Network, at
from tests.integration.test_conversion import WINDOW, hand_network
from tests.oracle import conversion as oracle

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def unversioned(r: ConversionReport) -> ConversionReport:
    """The report without the data version it names (the oracle names none)."""
    assert r.data_version is not None
    return replace(r, data_version=None)


@st.composite
def networks(draw: st.DrawFn) -> Network:
    n = draw(st.integers(1, 12))
    net = Network()
    days: list[int] = []
    for i in range(n):
        referred = i > 0 and draw(st.integers(0, 4)) > 0
        parent = draw(st.integers(max(0, i - 4), i - 1)) if referred else None
        day = draw(st.integers(0, 10)) + (0 if parent is None else days[parent] - 2)
        days.append(max(day, 0))
        status = draw(st.sampled_from(["active"] * 5 + ["inactive", "stub"]))
        net.member(f"m{i}", None if parent is None else f"m{parent}", day=days[-1],
                   status=status)
    member = st.integers(0, n - 1).map(lambda i: f"m{i}")
    trust: dict[tuple[str, str], tuple[float, float | None]] = {}
    weights = st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.5, 0.6, 0.75, 0.8, 1.0])
    for src, dst in draw(st.lists(st.tuples(member, member), max_size=10)):
        trust[src, dst] = (draw(weights), draw(st.none() | st.integers(0, 50)))
    net.product("tea", price=1_000)
    shares = [f"s{k}" for k in range(draw(st.integers(1, 7)))]
    for s in shares:
        net.share(s, draw(member), "tea", day=draw(st.integers(0, 50)),
                  channel=draw(st.sampled_from(["wechat_group", "moments", "live", None])))
    clicks: list[tuple[str, str, float]] = []
    if shares:
        for _ in range(draw(st.integers(1, 24))):
            clicks.append((draw(member), draw(st.sampled_from(shares)),
                           draw(st.integers(0, 60)) + draw(st.sampled_from([0, 0.5]))))
            net.click(*clicks[-1][:2], day=clicks[-1][2])
    promoter_of = {r["share_id"]: r["promoter_id"] for r in net.rows["shares"]}
    for viewer, share, clicked in draw(st.lists(st.sampled_from(clicks), max_size=6)) \
            if clicks else []:  # ties from clickers, formed around the click
        since = draw(st.sampled_from([None, -1, 0, 0.5, 2]))
        trust[viewer, promoter_of[share]] = (
            draw(weights), None if since is None else max(clicked + since, 0))
    for (src, dst), (weight, since) in trust.items():
        if src != dst:
            net.rows["trust"].append({"src_id": src, "dst_id": dst, "weight": weight,
                                      "since": None if since is None else at(since),
                                      "source": "contact"})
    for k in range(draw(st.integers(0, 18))):
        amount = draw(st.integers(1, 50)) * 100
        how = draw(st.sampled_from(["after a click"] * 3 + ["through a share", "direct"]))
        buyer, share, day = (draw(st.none() | member), None,
                             draw(st.integers(0, 60)) + draw(st.sampled_from([0, 0.25])))
        if how == "after a click" and clicks:  # mostly after it; sometimes before it
            buyer, share, clicked = draw(st.sampled_from(clicks))
            day = clicked + draw(st.sampled_from([0, 0.25, 1, 3, -0.25]))
        elif how != "direct" and shares:
            share = draw(st.sampled_from(shares))
        net.purchase(f"o{k}", product="tea", amount=amount, day=max(day, 0),
                     buyer=buyer, promoter=draw(st.none() | member), share=share,
                     commission=draw(st.none() | st.integers(0, amount)),
                     status=draw(st.sampled_from(["paid"] * 3 + ["settled", "refunded"])))
    return net


def _load(store: FalkorDBStore, net: Network) -> None:
    """Load the network; members drawn as stubs (which the loader makes only for unclaimed
    accounts, and refuses in a members file) become stubs behind its back."""
    stubs = [r["member_id"] for r in net.rows["members"] if r["status"] == "stub"]
    members = [dict(r, status="active") if r["status"] == "stub" else r
               for r in net.rows["members"]]
    store.clear()
    with tempfile.TemporaryDirectory() as out:
        Network(rows={**net.rows, "members": members}).load(store, Path(out))
    if stubs:
        store.execute("MATCH (m:Member) WHERE m.id IN $ids SET m.status = 'stub'",
                      {"ids": stubs}, write=True)


def _both(store: FalkorDBStore, snap: snapshot.Snapshot, window: Window,
          **kwargs: object) -> ConversionReport | None:
    """The oracle's and the snapshot's report, asserted equal (or the same error)."""
    try:
        want = oracle.funnel(store, window, **kwargs)  # type: ignore[arg-type]
    except (BadInput, NotFound) as e:
        with pytest.raises(type(e)):
            funnel_from(snap, window, **kwargs)  # type: ignore[arg-type]
        return None
    got = funnel_from(snap, window, **kwargs)  # type: ignore[arg-type]
    assert unversioned(got) == want, kwargs
    return want


@SETTINGS
@given(net=networks(), data=st.data())
def test_every_split_equals_the_oracle(store: FalkorDBStore, net: Network,
                                       data: st.DataObject) -> None:
    _load(store, net)
    snap = snapshot.build(store)  # paging is the snapshot tests' business
    as_of = at(data.draw(st.integers(5, 65)))
    window = Window(as_of - data.draw(st.integers(1, 70)) * DAY_MS, as_of)
    ids = [r["member_id"] for r in net.rows["members"]]
    sharers = [r["promoter_id"] for r in net.rows["shares"]] or ids
    root = data.draw(st.none() | st.none() | st.sampled_from(ids[:2] + ids))
    promoter = data.draw(st.none() | st.none() | st.sampled_from(sharers + ids[:1]))
    top = data.draw(st.integers(1, 4))
    min_clicks = data.draw(st.integers(1, 3))
    for group_by in GROUPS:
        r = _both(store, snap, window, group_by=group_by, root_id=root, promoter_id=promoter,
                  top=top, min_clicks=min_clicks)
        if r is not None:
            event(f"{group_by}: {min(len(r.groups), 3)} groups, "
                  f"{'some' if r.overall.converted else 'no'} conversions")


@SETTINGS
@given(net=networks(), data=st.data())
def test_split_and_first_purchase_equal_the_oracle(store: FalkorDBStore, net: Network,
                                                   data: st.DataObject) -> None:
    _load(store, net)
    snap = snapshot.build(store)
    as_of = at(data.draw(st.integers(5, 65)))
    window = Window(as_of - data.draw(st.integers(1, 70)) * DAY_MS, as_of)
    ids = [r["member_id"] for r in net.rows["members"]]
    sharers = [r["promoter_id"] for r in net.rows["shares"]] or ids
    promoter = data.draw(st.none() | st.sampled_from(sharers + ids))
    for group_by in GROUPS:
        assert split_from(snap, window, group_by, promoter_id=promoter) == oracle.split(
            store, window, group_by, promoter_id=promoter)
    assert first_purchase_from(snap, window, promoter_id=promoter) == oracle.first_purchase(
        store, window, promoter_id=promoter)


def test_hand_network_equals_the_oracle(store: FalkorDBStore, tmp_path: Path) -> None:
    hand_network().load(store, tmp_path)
    snap = snapshot.build(store)
    for window in (WINDOW, Window(at(10), at(11.5)), Window(at(0), at(45))):
        for group_by in GROUPS:
            for root in (None, "R", "P", "A"):
                for promoter in (None, "P", "R", "E"):
                    _both(store, snap, window, group_by=group_by, root_id=root,
                          promoter_id=promoter, min_clicks=1)
    report = conversion.funnel(store, WINDOW, group_by="trust")
    assert report.data_version == snapshot.version_of(store)


def test_errors_are_the_oracles(store: FalkorDBStore, tmp_path: Path) -> None:
    hand_network().load(store, tmp_path)
    snap = snapshot.build(store)
    for kwargs in ({"promoter_id": "nobody"}, {"root_id": "nobody"}, {"root_id": "L"},
                   {"root_id": "A", "promoter_id": "P"}, {"group_by": "colour"},
                   {"top": 0}, {"min_clicks": 0}, {"promoter_id": ""}):
        with pytest.raises(RefnetError) as want:
            oracle.funnel(store, WINDOW, **kwargs)  # type: ignore[arg-type]
        with pytest.raises(type(want.value)):
            funnel_from(snap, WINDOW, **kwargs)  # type: ignore[arg-type]
