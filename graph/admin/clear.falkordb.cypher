// Delete up to $batch nodes with their relationships; the caller repeats until 0.
// API keys stay: they are access configuration, not network data.
// Batches keep each query inside the time limit on a large graph. (Not GRAPH.DELETE:
// with effects logging, deleting the key and rebuilding the graph replayed wrongly
// after a restart — tests/integration/test_server.py.)
MATCH (n) WHERE NOT n:ApiKey
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
