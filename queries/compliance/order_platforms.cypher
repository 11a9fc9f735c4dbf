// The platform of each order in $ids, for a case file's commission-depth evidence: the
// model keeps no platform on a purchase, so it is its promoter's (ATTRIBUTED_TO) member
// platform, where the order was attributed. A lookup of the flagged orders only.
UNWIND $ids AS id
MATCH (x:Purchase {id: id})
OPTIONAL MATCH (x)-[:ATTRIBUTED_TO]->(s:Member)
RETURN id, s.platform AS platform
