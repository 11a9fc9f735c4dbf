// Every member in $root's downline as it stands, $root included: the members an
// organizer's key may see, and the team a scoped influence or conversion answer covers.
// Anchored on the root (an index lookup; FalkorDB issue 2561).
MATCH (root:Member {id: $root})
MATCH (root)-[:REFERRED*0..]->(m:Member)
RETURN DISTINCT m.id AS id
