// Conversion funnel by the promoter's level, step 3: paid or settled purchases in the
// window through the promoters' shares (as conversion/purchases: converted = the buyer
// clicked that share at or before buying; the level as in conversion/level_shares).
MATCH (p:Member)
WHERE (p)-[:SHARED]->(:Share) AND ($promoters IS NULL OR p.id IN $promoters)
MATCH up = (p)<-[:REFERRED*0..]-(:Member)
WHERE all(r IN relationships(up) WHERE r.at IS NULL OR r.at <= $as_of)
WITH p, max(length(up)) AS level
MATCH (p)-[:SHARED]->(s:Share)<-[:VIA]-(o:Purchase)
WHERE $since < o.at AND o.at <= $as_of AND o.status IN ['paid', 'settled']
OPTIONAL MATCH (b:Member)-[:MADE]->(o)
OPTIONAL MATCH (b)-[c:CLICKED]->(s)
WHERE c.at <= o.at
WITH level, o, b, count(c) > 0 AS converted
RETURN level AS key,
       count(o) AS purchases,
       count(DISTINCT b) AS buyers,
       sum(CASE WHEN b IS NULL THEN 1 ELSE 0 END) AS outside_orders,
       sum(CASE WHEN converted THEN 1 ELSE 0 END) AS converted,
       count(DISTINCT CASE WHEN converted THEN b END) AS converting_clickers,
       toInteger(sum(o.amount)) AS gmv,
       toInteger(sum(coalesce(o.commission, 0))) AS commission
