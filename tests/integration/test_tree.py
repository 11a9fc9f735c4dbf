"""The genealogy tree's nodes carry the dashboard's numbers: on random networks, each
node's team size, recruits, own and team sales and activity are what ``health`` says
of that node's own team."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refnet.graph.errors import BadInput, NotFound
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.queries import snapshot
from refnet.queries.downline.columns import health_from
from refnet.queries.downline.tree import TreeNode, children_from
from refnet.queries.snapshot import Snapshot
from refnet.queries.window import Window
from tests.graphs import Network, at
from tests.integration.test_snapshot import drawn_case, networks


def as_health_says(snap: Snapshot, node: TreeNode, window: Window) -> TreeNode:
    h = health_from(snap, node.id, window)
    own = h.levels[0]
    return TreeNode(id=node.id, team_size=h.size,
                    recruits=h.levels[1].members if len(h.levels) > 1 else 0,
                    gmv=own.gmv, team_gmv=own.gmv + h.totals.gmv, active=own.active > 0)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(net=networks(), data=st.data())
def test_each_node_is_its_own_teams_dashboard(store: FalkorDBStore, net: Network,
                                             data: st.DataObject) -> None:
    snap, window, member = drawn_case(store, net, data)
    limit = data.draw(st.integers(1, 4))
    try:
        level = children_from(snap, member, window, limit=limit)
    except NotFound:
        with pytest.raises(NotFound):
            health_from(snap, member, window)
        return
    assert level.node == as_health_says(snap, level.node, window)
    assert len(level.children) + level.more == level.node.recruits
    assert len(level.children) == min(limit, level.node.recruits)
    for child in level.children:
        assert child == as_health_says(snap, child, window)
    keys = [(-c.team_size, -c.team_gmv, c.id) for c in level.children]
    assert keys == sorted(keys)  # the largest teams first


def test_bad_limits_are_refused(store: FalkorDBStore) -> None:
    net = Network()
    net.member("r", None, day=1)
    with tempfile.TemporaryDirectory() as out:
        net.load(store, Path(out))
    snap = snapshot.build(store)
    for limit in (0, 201, True):
        with pytest.raises(BadInput, match="limit"):
            children_from(snap, "r", Window(at(0), at(5)), limit=limit)
