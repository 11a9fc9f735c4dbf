// Paid or settled purchases in the window that came through no share (orders from a
// buyer locked to a promoter, entry packages): outside the share funnel, but income.
// With $promoters (a list, or null), only those attributed to one of them.
MATCH (o:Purchase)
WHERE $since < o.at AND o.at <= $as_of AND o.status IN ['paid', 'settled']
  AND NOT (o)-[:VIA]->(:Share)
OPTIONAL MATCH (o)-[:ATTRIBUTED_TO]->(p:Member)
WITH o, p
WHERE $promoters IS NULL OR p.id IN $promoters
RETURN count(o) AS purchases,
       toInteger(sum(coalesce(o.amount, 0))) AS gmv,
       toInteger(sum(coalesce(o.commission, 0))) AS commission
