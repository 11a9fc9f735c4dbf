// members.cypher inside one member's downline (the member included): what an
// organizer's key may list. Anchored on the scope's root (FalkorDB issue 2561); the
// filters wait behind WITH because, written on the match, they made FalkorDB scan every
// member and walk up to the root instead (m needs no label: REFERRED joins members).
MATCH (root:Member {id: $root})-[:REFERRED*0..]->(m)
WITH m
WHERE ($platform IS NULL OR m.platform = $platform)
  AND ($status IS NULL OR m.status = $status)
  AND ($joined_after IS NULL OR m.joined_at > $joined_after)
  AND ($joined_before IS NULL OR m.joined_at <= $joined_before)
  AND ($prefix IS NULL OR m.id STARTS WITH $prefix)
WITH m, coalesce(m.joined_at, 0) AS t
WHERE $after_id IS NULL
   OR ($by_time AND (t > $after_t OR (t = $after_t AND m.id > $after_id)))
   OR (NOT $by_time AND m.id > $after_id)
RETURN m.id AS id, t
ORDER BY CASE WHEN $by_time THEN t ELSE 0 END, m.id
LIMIT $limit
