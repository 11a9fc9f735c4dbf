// compliance/member_pairs for a report on one downline: pairs whose buyer is in $root's
// downline (a promoter above the buyer is then in it too, or above the root: Python
// keeps only pairs inside the downline).
MATCH (root:Member {id: $root})
MATCH (root)-[:REFERRED*0..]->(buyer:Member)
WITH DISTINCT buyer
MATCH (buyer)-[:MADE]->(p:Purchase)-[:ATTRIBUTED_TO]->(promoter:Member)
WHERE p.at > $since AND p.at <= $as_of AND p.status IN ['paid', 'settled']
  AND buyer <> promoter
RETURN buyer.id AS buyer, promoter.id AS promoter, count(p) AS purchases,
       sum(p.amount) AS amount, sum(coalesce(p.commission, 0)) AS commission
