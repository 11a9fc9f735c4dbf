// Members by id, each with its referrer's id and how many it recruited: everything
// the API's Member type shows without another round trip (no N+1 per page).
UNWIND $ids AS id
MATCH (m:Member {id: id})
OPTIONAL MATCH (p:Member)-[:REFERRED]->(m)
RETURN m.id AS id, m.platform AS platform, m.joined_at AS joined_at, m.status AS status,
       m.tier AS tier, p.id AS referrer_id, size([(m)-[:REFERRED]->(c:Member) | c]) AS recruits
