// Downstream GMV per promoter in the window ($since < at <= $as_of): everything the
// member buyers a promoter reached (bought at least one paid or settled purchase
// attributed to them in the window) bought in the window, through any promoter or
// none. Each buyer's spending counts once per promoter who reached them.
MATCH (b:Member)-[:MADE]->(q:Purchase)
WHERE q.at > $since AND q.at <= $as_of AND q.status IN ['paid', 'settled']
WITH b, sum(q.amount) AS spent
MATCH (b)-[:MADE]->(p:Purchase)-[:ATTRIBUTED_TO]->(m:Member)
WHERE p.at > $since AND p.at <= $as_of AND p.status IN ['paid', 'settled']
WITH DISTINCT m, b, spent
RETURN m.id AS member, sum(spent) AS reached_gmv
