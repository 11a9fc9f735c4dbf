// GDS CELF influence maximisation (independent cascade with one probability for every
// edge: GDS takes no per-edge weight). spread is each seed's marginal gain, seed counted.
CALL gds.influenceMaximization.celf.stream($graph, {
  seedSetSize: $k, propagationProbability: $p, monteCarloSimulations: $runs,
  randomSeed: $seed
})
YIELD nodeId, spread
RETURN gds.util.asNode(nodeId).id AS member, spread
