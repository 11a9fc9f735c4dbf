// Conversion funnel by the promoter's level, step 2: clicks in the window on the
// promoters' shares and the distinct members who clicked (as conversion/clicks; the
// level as in conversion/level_shares).
MATCH (p:Member)
WHERE (p)-[:SHARED]->(:Share) AND ($promoters IS NULL OR p.id IN $promoters)
MATCH up = (p)<-[:REFERRED*0..]-(:Member)
WHERE all(r IN relationships(up) WHERE r.at IS NULL OR r.at <= $as_of)
WITH p, max(length(up)) AS level
MATCH (p)-[:SHARED]->(:Share)<-[c:CLICKED]-(v:Member)
WHERE $since < c.at AND c.at <= $as_of
RETURN level AS key, count(c) AS clicks, count(DISTINCT v) AS clickers
