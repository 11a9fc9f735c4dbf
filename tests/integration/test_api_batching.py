"""No N+1: a page of members with their referrers costs the same few store queries
whether the page holds 5 members or 50.

It runs on both backends (``store``): the count is of the API's queries, the same
whichever store answers them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from refnet.api import keys
from refnet.api.app import create_app
from refnet.graph.falkordb_store import FalkorDBStore
from tests.graphs import Network


class _Counting:
    """The real store, counting the queries it is asked to run."""

    def __init__(self, store: FalkorDBStore) -> None:
        self._store, self.calls = store, Counter()

    def run(self, name: str, *args: Any, **kwargs: Any) -> Any:
        self.calls[name] += 1
        return self._store.run(name, *args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._store, attr)


def test_a_page_of_members_and_their_referrers_is_a_fixed_number_of_queries(
        store: FalkorDBStore, tmp_path: Path) -> None:
    net = Network()
    for boss in ("a", "b", "c"):
        net.member(boss)
        for i in range(20):
            net.member(f"{boss}{i:02d}", boss, day=1)
    net.load(store, tmp_path)
    token = keys.create(store, "admin").token
    counting = _Counting(store)
    client = create_app(store.config, store=counting).test_client()
    query = ("query($n: Int!) { members(first: $n) { edges { node { id "
             "referrer { id recruits } } } } }")
    totals = []
    for n in (5, 50):
        counting.calls.clear()
        r = client.post("/graphql", json={"query": query, "variables": {"n": n}},
                        headers={"Authorization": f"Bearer {token}"})
        edges = r.get_json()["data"]["members"]["edges"]
        assert len(edges) == n
        assert all(e["node"]["referrer"] is None or e["node"]["referrer"]["recruits"] == 20
                   for e in edges)
        totals.append(sum(counting.calls.values()))
    assert totals[0] == totals[1] <= 4, counting.calls  # key, page, members, referrers
