// Conversion funnel by trust, step 2: purchases through shares in the window (as
// conversion/purchases) by the trust bucket of the buyer's TRUSTS edge to the promoter
// as it stood at their first click on that share (at the purchase itself when there is
// no click; a tie the purchase created never counts), in the buckets of
// conversion/trust_clicks, plus 'self' (the promoter bought) and 'outside' (no buyer).
MATCH (p:Member)-[:SHARED]->(s:Share)<-[:VIA]-(o:Purchase)
WHERE $since < o.at AND o.at <= $as_of AND o.status IN ['paid', 'settled']
  AND ($promoters IS NULL OR p.id IN $promoters)
OPTIONAL MATCH (b:Member)-[:MADE]->(o)
OPTIONAL MATCH (b)-[c:CLICKED]->(s)
WHERE c.at <= o.at
WITH p, o, b, min(c.at) AS clicked
OPTIONAL MATCH (b)-[t:TRUSTS]->(p)
WHERE t.since IS NULL OR t.since < coalesce(clicked, o.at)
WITH o, b, clicked IS NOT NULL AS converted, CASE
  WHEN b IS NULL THEN 'outside'
  WHEN b = p THEN 'self'
  WHEN t IS NULL OR t.weight <= 0 THEN 'none'
  WHEN t.weight <= 0.25 THEN 'q1'
  WHEN t.weight <= 0.5 THEN 'q2'
  WHEN t.weight <= 0.75 THEN 'q3'
  ELSE 'q4' END AS key
RETURN key,
       count(o) AS purchases,
       count(DISTINCT b) AS buyers,
       sum(CASE WHEN b IS NULL THEN 1 ELSE 0 END) AS outside_orders,
       sum(CASE WHEN converted THEN 1 ELSE 0 END) AS converted,
       count(DISTINCT CASE WHEN converted THEN b END) AS converting_clickers,
       toInteger(sum(o.amount)) AS gmv,
       toInteger(sum(coalesce(o.commission, 0))) AS commission
