// The REFERRED edges out of the members whose internal node id is in [$lo, $hi), for the
// analytic snapshot: one flat row per edge (a member with two referrers has two), its ends
// as internal node ids (integers: cheaper to send and to map than ids). Not a range of
// ids (`$lo < m.id <= $hi`): FalkorDB's index answers a string range with an upper bound
// wrongly (on 1,000,000 members, `m.id <= 'm0500000'` matched every member), so a page
// would repeat edges of the next. A range of node ids is a label-and-id scan.
MATCH (p:Member)-[r:REFERRED]->(m:Member)
WHERE id(p) >= $lo AND id(p) < $hi
RETURN id(m) AS child, id(p) AS referrer, r.at AS at
