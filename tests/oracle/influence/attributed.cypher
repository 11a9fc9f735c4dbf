// Attributed GMV per promoter in the window ($since < at <= $as_of): paid or settled
// purchases attributed to the member, their amount and commission (minor units),
// the distinct member buyers, and orders with no buyer (an outside buyer).
// $members (a list, or null for everyone) keeps those promoters (one team's answer).
MATCH (p:Purchase)-[:ATTRIBUTED_TO]->(m:Member)
WHERE p.at > $since AND p.at <= $as_of AND p.status IN ['paid', 'settled']
  AND ($members IS NULL OR m.id IN $members)
OPTIONAL MATCH (b:Member)-[:MADE]->(p)
RETURN m.id AS member, count(p) AS orders, sum(p.amount) AS gmv,
       sum(coalesce(p.commission, 0)) AS commission, count(DISTINCT b) AS buyers,
       sum(CASE WHEN b IS NULL THEN 1 ELSE 0 END) AS outside_orders
