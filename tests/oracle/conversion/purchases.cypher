// Conversion funnel, step 3: paid or settled purchases in the window (since < o.at <=
// as_of) that came VIA one of the promoters' shares. A purchase is "converted" when its
// buyer clicked that share at or before buying; outside orders (no buyer) and purchases
// without a recorded click count as purchases but not as conversions.
// $group: 'all', 'promoter' or 'channel'; $promoters (or null) keeps those promoters'.
MATCH (p:Member)-[:SHARED]->(s:Share)<-[:VIA]-(o:Purchase)
WHERE $since < o.at AND o.at <= $as_of AND o.status IN ['paid', 'settled']
  AND ($promoters IS NULL OR p.id IN $promoters)
OPTIONAL MATCH (b:Member)-[:MADE]->(o)
OPTIONAL MATCH (b)-[c:CLICKED]->(s)
WHERE c.at <= o.at
WITH p, s, o, b, count(c) > 0 AS converted
WITH o, b, converted, CASE $group
  WHEN 'promoter' THEN p.id
  WHEN 'channel' THEN s.channel
  ELSE 'all' END AS key
RETURN key,
       count(o) AS purchases,
       count(DISTINCT b) AS buyers,
       sum(CASE WHEN b IS NULL THEN 1 ELSE 0 END) AS outside_orders,
       sum(CASE WHEN converted THEN 1 ELSE 0 END) AS converted,
       count(DISTINCT CASE WHEN converted THEN b END) AS converting_clickers,
       toInteger(sum(o.amount)) AS gmv,
       toInteger(sum(coalesce(o.commission, 0))) AS commission
