"""FalkorDB plan traps, held by regression tests: questions about one member or one
downline must start from that member's index entry, never scan every member.

Seen here: ``downline/upline`` anchored on the root side scanned every root and its
tree (1.5 s per call at 100,000 members, 0.4 ms once anchored on the member), and
``api/members_below`` with its filters on the match scanned every member and walked up.
"""

from __future__ import annotations

import pytest

from refnet.graph import cypher
from refnet.graph.falkordb_store import FalkorDBStore

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
def test_member_questions_start_from_an_index_lookup(store: FalkorDBStore, name: str) -> None:
    plan = str(store._graph.explain(cypher.load(name, "falkordb"), PARAMS))
    assert "Index Scan" in plan, plan
    assert "Label Scan" not in plan and "All Node Scan" not in plan, plan
