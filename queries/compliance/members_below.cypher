// compliance/members for a report on one downline: $root and every member below it who
// had joined by $as_of (a member with no join time counts as always there). Anchored on
// the root (FalkorDB issue 2561), so the cost follows the downline, not the network.
MATCH (root:Member {id: $root})
MATCH (root)-[:REFERRED*0..]->(m:Member)
WHERE coalesce(m.joined_at, 0) <= $as_of
RETURN DISTINCT m.id AS id, m.joined_at AS joined_at
