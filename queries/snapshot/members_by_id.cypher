// The members named in $ids, as snapshot/members reads them (with the internal node id):
// what a snapshot update (snapshot.update) re-reads of the members a load touched.
UNWIND $ids AS id
MATCH (m:Member {id: id})
RETURN id(m) AS node, m.id AS id, m.joined_at AS joined_at, m.status AS status,
       m.tier AS tier
