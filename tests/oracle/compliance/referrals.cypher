// Compliance: every REFERRED edge that existed by $as_of, referrer first. The loader
// keeps one inbound edge per member and no cycles; a member with two here, or a cycle,
// is a data-integrity flag. Two flat pulls (members, referrals) are several times faster
// on FalkorDB than one query collecting each member's referrers.
MATCH (parent:Member)-[r:REFERRED]->(child:Member)
WHERE coalesce(r.at, 0) <= $as_of
RETURN parent.id AS parent, child.id AS child, coalesce(r.at, 0) AS at
