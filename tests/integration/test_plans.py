"""Plan traps, held by regression tests on both backends: questions about one member or
one downline must start from that member's index entry, never scan every member.

Seen here: ``downline/upline`` anchored on the root side scanned every root and its
tree (1.5 s per call at 100,000 members, 0.4 ms once anchored on the member), and
``api/members_below`` with its filters on the match scanned every member and walked up.
"""

from __future__ import annotations

import pytest

from refnet.graph import cypher
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.graph.neo4j_store import Neo4jStore
from refnet.graph.store import GraphStore

ANCHORED = [
    "downline/upline", "downline/chain", "downline/groups", "downline/recruits", "downline/team",
    "schema/members_below", "schema/members_by_id", "schema/children", "schema/purchases",
    "schema/trust",
    "compliance/referrals_below", "compliance/buyers_below",
    "compliance/member_pairs_below", "compliance/promoter_sales_below", "keys/get",
]
PARAMS = {
    "id": "m1", "ids": ["m1"], "root": "m1", "as_of": 1, "since": 0, "prev_since": -1,
    "max_depth": None, "limit": 10, "after_id": None, "after_at": None, "after_t": None,
    "platform": None, "status": None, "joined_after": None, "joined_before": None,
    "prefix": None, "by_time": False,
}


@pytest.mark.parametrize("name", ANCHORED)
def test_member_questions_start_from_an_index_lookup(store: GraphStore, name: str) -> None:
    if isinstance(store, Neo4jStore):
        plan = " ".join(_neo4j_operators(store, cypher.load(name, "neo4j")))
        assert "IndexSeek" in plan, plan
        assert "NodeByLabelScan" not in plan and "AllNodesScan" not in plan, plan
        return
    assert isinstance(store, FalkorDBStore)
    plan = str(store._graph.explain(cypher.load(name, "falkordb"), PARAMS))
    assert "Index Scan" in plan, plan
    assert "Label Scan" not in plan and "All Node Scan" not in plan, plan


def _neo4j_operators(store: Neo4jStore, text: str) -> list[str]:
    """Every operator of Neo4j's plan for ``text`` (EXPLAIN: nothing runs)."""
    with store._driver.session(database=store.config.neo4j_database) as session:
        plan = session.run("EXPLAIN " + text, PARAMS).consume().plan  # type: ignore[arg-type]

    def walk(op: dict) -> list[str]:
        return [op["operatorType"], *(o for c in op.get("children", []) for o in walk(c))]

    return walk(plan)
