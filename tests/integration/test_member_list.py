"""The member list adds up to the dashboard: on random networks, roots and windows,
each state's members are exactly those ``health`` counts under that name, their sums
are its sums, the pages make the whole list and the order is the one asked; on FalkorDB
and on Neo4j (there at a twentieth of the examples, as every property test that loads a
store per example: ``NEO4J_EXAMPLE_SHARE`` in ``tests/conftest.py``).

``test_bad_filters_are_refused`` runs once, on no backend: ``MemberFilter`` refuses its
values when it is made, before any store or snapshot is asked."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from refnet.graph.errors import BadInput, NotFound
from refnet.graph.store import GraphStore
from refnet.queries.downline.columns import health_from
from refnet.queries.downline.members import STATES, MemberFilter, member_list
from tests.graphs import Network
from tests.integration.test_snapshot import drawn_case, networks

COUNTED_AS = {"active": "active", "never_bought": "never_bought", "new": "new_recruits",
              "churned": "churned"}


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(net=networks(), data=st.data())
def test_the_list_adds_up_to_the_dashboard(store: GraphStore, net: Network,
                                           data: st.DataObject) -> None:
    snap, window, root = drawn_case(store, net, data)
    try:
        health = health_from(snap, root, window)
    except NotFound:
        with pytest.raises(NotFound):
            member_list(snap, root, window)
        return
    everyone = member_list(snap, root, window, MemberFilter(limit=None))
    event(f"team of {min(health.size, 5)}, active {min(health.totals.active, 2)}")
    t = health.totals
    assert everyone.size == everyone.matched == health.size == len(everyone.rows)
    assert sum(r.gmv for r in everyone.rows) == t.gmv
    assert sum(r.orders for r in everyone.rows) == t.orders
    assert sum(r.commission for r in everyone.rows) == t.commission
    assert sum(r.gmv_prev for r in everyone.rows) == t.gmv_prev
    assert sum(r.bought_gmv for r in everyone.rows) == t.bought_gmv
    for state, field in COUNTED_AS.items():
        got = member_list(snap, root, window, MemberFilter(state=state, limit=None))
        assert got.matched == getattr(t, field), state
        assert all(getattr(r, state) for r in got.rows), state
    inactive = member_list(snap, root, window, MemberFilter(state="inactive", limit=None))
    assert inactive.matched == t.members - t.active
    for level in health.levels[1:]:
        got = member_list(snap, root, window, MemberFilter(level_min=level.level,
                                                           level_max=level.level))
        assert got.matched == level.members
    for branch in health.branches:
        got = member_list(snap, root, window, MemberFilter(branch=branch.id, limit=None))
        assert got.matched == branch.members
        assert sum(r.gmv for r in got.rows) == branch.gmv
        assert {r.branch for r in got.rows} == {branch.id}

    # pages make the whole list, in the order asked (ties by id)
    sort = data.draw(st.sampled_from(["gmv", "joined_at", "id", "recruits", "last_bought"]))
    descending = data.draw(st.booleans())
    whole = member_list(snap, root, window, MemberFilter(sort=sort, descending=descending,
                                                         limit=None)).rows
    size = data.draw(st.integers(1, 4))
    pages = [member_list(snap, root, window, MemberFilter(
        sort=sort, descending=descending, offset=k, limit=size))
        for k in range(0, len(whole) + 1, size)]
    assert [r for page in pages for r in page.rows] == whole
    assert {page.matched for page in pages} == {len(whole)}  # every page counts them all

    def value(r: object) -> object:
        v = getattr(r, sort)
        return (v is not None, v) if sort in ("joined_at", "last_bought") else v

    if sort == "id":
        assert [r.id for r in whole] == sorted((r.id for r in whole), reverse=descending)
    else:
        keys = [(value(r), r.id) for r in whole]
        for a, b in itertools.pairwise(keys):
            assert (a[0] > b[0] if descending else a[0] < b[0]) or (a[0] == b[0] and a[1] < b[1])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"state": "asleep"}, "unknown state"),
    ({"sort": "name"}, "unknown sort"),
    ({"level_min": 0}, "at least 1"),
    ({"level_min": 3, "level_max": 2}, "above"),
    ({"joined_from": 5, "joined_to": 4}, "after"),
    ({"offset": -1}, "at least 0"),
    ({"limit": 0}, "between 1 and"),
    ({"limit": 501}, "between 1 and"),
])
def test_bad_filters_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        MemberFilter(**kwargs)
    assert set(STATES) >= {"all", "churned"}
