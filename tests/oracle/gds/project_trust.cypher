// The trust network as Graph Data Science projects it (Neo4j only: a second opinion on
// refnet's own projection and algorithms, tests/integration/test_gds.py): every member
// and every TRUSTS edge with its weight, an edge without one weighing 0 as in refnet's
// projection. $orientation: NATURAL for PageRank (rank flows to the trusted), REVERSE
// for cascades (the trusted moves the truster: refnet's influence_matrix).
CALL gds.graph.project($graph, 'Member', {
  TRUSTS: {orientation: $orientation,
           properties: {weight: {property: 'weight', defaultValue: 0.0}}}
})
YIELD nodeCount, relationshipCount
RETURN nodeCount, relationshipCount
