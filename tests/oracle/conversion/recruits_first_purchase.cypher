// Time from joining to first purchase, as conversion/first_purchase, over the members
// $promoter recruited by $as_of (anchored on the promoter: one index lookup).
MATCH (:Member {id: $promoter})-[x:REFERRED]->(m:Member)
WHERE (x.at IS NULL OR x.at <= $as_of)
  AND m.joined_at <= $as_of AND coalesce(m.status, '') <> 'stub'
OPTIONAL MATCH (m)-[:MADE]->(o:Purchase)
WHERE o.at <= $as_of AND o.status IN ['paid', 'settled']
WITH m, min(o.at) AS first
WITH count(m) AS members,
     sum(CASE WHEN first < m.joined_at THEN 1 ELSE 0 END) AS before_joining,
     collect(CASE WHEN first >= m.joined_at THEN first - m.joined_at END) AS waits
UNWIND CASE WHEN size(waits) = 0 THEN [null] ELSE waits END AS wait
RETURN members, before_joining, count(wait) AS bought_after_joining,
       percentileCont(wait, 0.25) AS q1, percentileCont(wait, 0.5) AS median,
       percentileCont(wait, 0.75) AS q3
