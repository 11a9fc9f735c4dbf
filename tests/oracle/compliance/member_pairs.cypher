// Compliance: paid and settled purchases in the window bought by one member and
// attributed to another, summed per (buyer, promoter) pair. Python keeps the pairs where
// the promoter sits above the buyer in the referral tree, and how many levels above:
// commission paid that many levels up the chain.
MATCH (buyer:Member)-[:MADE]->(p:Purchase)-[:ATTRIBUTED_TO]->(promoter:Member)
WHERE p.at > $since AND p.at <= $as_of AND p.status IN ['paid', 'settled']
  AND buyer <> promoter
RETURN buyer.id AS buyer, promoter.id AS promoter, count(p) AS purchases,
       sum(p.amount) AS amount, sum(coalesce(p.commission, 0)) AS commission
