// Downstream GMV per promoter in the window ($since < at <= $as_of): everything the
// member buyers a promoter reached (bought at least one paid or settled purchase
// attributed to them in the window) bought in the window, through any promoter or
// none. Each buyer's spending counts once per promoter who reached them.
// $members (a list, or null for everyone) is one team: only its promoters, and only
// what their buyers bought through the team's members.
MATCH (b:Member)-[:MADE]->(q:Purchase)
WHERE q.at > $since AND q.at <= $as_of AND q.status IN ['paid', 'settled']
OPTIONAL MATCH (q)-[:ATTRIBUTED_TO]->(a:Member)
WITH b, q, a
WHERE $members IS NULL OR a.id IN $members
WITH b, sum(q.amount) AS spent
MATCH (b)-[:MADE]->(p:Purchase)-[:ATTRIBUTED_TO]->(m:Member)
WHERE p.at > $since AND p.at <= $as_of AND p.status IN ['paid', 'settled']
  AND ($members IS NULL OR m.id IN $members)
WITH DISTINCT m, b, spent
RETURN m.id AS member, sum(spent) AS reached_gmv
