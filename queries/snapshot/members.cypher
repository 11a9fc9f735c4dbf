// One page of members for the analytic snapshot (queries/snapshot): members with an id
// after $after, in id order, $limit of them, one row each: join time, status, tier,
// every referrer with the referral's time, and every trust edge out of the member with
// its weight and since. Paged by id range, not SKIP, so every page costs the same and no
// result nears the row cap. An OPTIONAL MATCH that finds nothing collects [null, ...].
MATCH (m:Member)
WHERE m.id > $after
WITH m ORDER BY m.id LIMIT $limit
OPTIONAL MATCH (p:Member)-[r:REFERRED]->(m)
WITH m, collect([p.id, r.at]) AS referrers
OPTIONAL MATCH (m)-[t:TRUSTS]->(b:Member)
RETURN m.id AS id, m.joined_at AS joined_at, m.status AS status, m.tier AS tier,
       referrers, collect([b.id, t.weight, t.since]) AS trusts
ORDER BY id
