// The trust edges of the projection as of $as_of: (a)-[:TRUSTS]->(b) means a trusts b,
// with its weight (0..1). An edge counts once it exists (since <= $as_of, or no since)
// and both members have joined.
MATCH (a:Member)-[t:TRUSTS]->(b:Member)
WHERE (t.since IS NULL OR t.since <= $as_of)
  AND (a.joined_at IS NULL OR a.joined_at <= $as_of)
  AND (b.joined_at IS NULL OR b.joined_at <= $as_of)
RETURN a.id AS src, b.id AS dst, t.weight AS weight
