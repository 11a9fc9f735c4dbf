// One page of a member's direct recruits, by id, after a cursor, each in the shape of
// api/members_by_id (the page needs no second round trip; their referrer is $id).
MATCH (p:Member {id: $id})-[:REFERRED]->(m:Member)
WHERE $after_id IS NULL OR m.id > $after_id
WITH p, m
ORDER BY m.id
LIMIT $limit
RETURN m.id AS id, m.platform AS platform, m.joined_at AS joined_at, m.status AS status,
       m.tier AS tier, p.id AS referrer_id, size([(m)-[:REFERRED]->(c:Member) | c]) AS recruits
ORDER BY id
