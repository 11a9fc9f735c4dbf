// The CLICKED edges of the viewers named in $ids, for the analytic snapshot: one flat row
// per click (paged as snapshot_rows/referrals, which says why by id lists).
UNWIND $ids AS id
MATCH (v:Member {id: id})-[c:CLICKED]->(s:Share)
RETURN v.id AS viewer, s.id AS share, c.at AS at
