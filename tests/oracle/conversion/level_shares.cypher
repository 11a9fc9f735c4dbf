// Conversion funnel by the promoter's level, step 1: shares made in the window. A level
// is the promoter's depth in its referral tree as of $as_of (root = 0; a referral made
// after as_of does not exist yet). The walk up is anchored on a MATCHed member, not
// through WITH (FalkorDB issue 2561: that was about 100x slower).
MATCH (p:Member)
WHERE (p)-[:SHARED]->(:Share) AND ($promoters IS NULL OR p.id IN $promoters)
MATCH up = (p)<-[:REFERRED*0..]-(:Member)
WHERE all(r IN relationships(up) WHERE r.at IS NULL OR r.at <= $as_of)
WITH p, max(length(up)) AS level
MATCH (p)-[:SHARED]->(s:Share)
WHERE $since < s.at AND s.at <= $as_of
RETURN level AS key, count(s) AS shares
