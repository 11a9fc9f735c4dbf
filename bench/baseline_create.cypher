// Benchmark anchor: the same rows written as bare CREATEs, no matching, no MERGE.
// The ceiling of the store's write path for this many rows; refnet's load is
// reported as a ratio to it.
UNWIND $rows AS r
CREATE (:BenchRow {v: r.v})
