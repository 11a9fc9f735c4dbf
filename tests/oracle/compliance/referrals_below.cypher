// compliance/referrals for a report on one downline: every REFERRED edge by $as_of into
// $root's downline (the root's own referrer is dropped by the forest, which knows only
// the downline's members).
MATCH (root:Member {id: $root})
MATCH (root)-[:REFERRED*0..]->(child:Member)
MATCH (parent:Member)-[r:REFERRED]->(child)
WHERE coalesce(r.at, 0) <= $as_of
RETURN DISTINCT parent.id AS parent, child.id AS child, coalesce(r.at, 0) AS at
