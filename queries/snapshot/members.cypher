// One page of the referral forest for the analytic snapshot (queries/snapshot): members
// with an id after $after, in id order, $limit of them, each with its referrer and the
// referral's time (null for a root, or a referral with no time), status and tier. Paged by id range, not
// SKIP, so every page costs the same and no result nears the row cap.
MATCH (m:Member)
WHERE m.id > $after
WITH m ORDER BY m.id LIMIT $limit
OPTIONAL MATCH (p:Member)-[r:REFERRED]->(m)
RETURN m.id AS id, m.joined_at AS joined_at, p.id AS referrer, r.at AS at,
       m.status AS status, m.tier AS tier
ORDER BY id
