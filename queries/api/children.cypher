// One page of a member's direct recruits, by id, after a cursor.
MATCH (p:Member {id: $id})-[:REFERRED]->(m:Member)
WHERE $after_id IS NULL OR m.id > $after_id
RETURN m.id AS id
ORDER BY m.id
LIMIT $limit
