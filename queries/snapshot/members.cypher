// One page of members for the analytic snapshot (queries/snapshot): members with an id
// after $after, in id order, $limit of them. Paged by id range, not SKIP, so every page
// costs the same and no result nears the row cap. Flat rows: the edges are read apart
// (snapshot/referrals, snapshot/trust), by ranges of these ids.
MATCH (m:Member)
WHERE m.id > $after
WITH m ORDER BY m.id LIMIT $limit
RETURN m.id AS id, m.joined_at AS joined_at, m.status AS status, m.tier AS tier
ORDER BY id
