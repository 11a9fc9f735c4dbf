// GDS PageRank on a projection, weighted by trust, iterated to refnet's tolerance.
// GDS drops the rank of dangling members and does not divide by n: normalised, its
// scores are refnet's (the two differ by one factor when teleport is uniform).
CALL gds.pageRank.stream($graph, {
  relationshipWeightProperty: 'weight', dampingFactor: $alpha,
  maxIterations: 1000, tolerance: 1.0e-12
})
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS member, score
