// The REFERRED edges into the members named in $ids, for the analytic snapshot: one
// flat row per edge (a member with two referrers has two). The snapshot sends the ids it
// has read, a page at a time: an index lookup each. Not a range of ids (`$lo < m.id <=
// $hi`): FalkorDB's index answers a string range with an upper bound wrongly (on
// 1,000,000 members, `m.id <= 'm0500000'` matched every member), so a page would repeat
// edges of the next.
UNWIND $ids AS id
MATCH (p:Member)-[r:REFERRED]->(m:Member {id: id})
RETURN m.id AS child, p.id AS referrer, r.at AS at
