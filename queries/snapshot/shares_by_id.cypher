// The shares named in $ids, as snapshot/shares reads them: what a snapshot update
// (snapshot.update) re-reads of the shares a load touched.
UNWIND $ids AS id
MATCH (s:Share {id: id})
OPTIONAL MATCH (p:Member)-[:SHARED]->(s)
RETURN s.id AS id, s.at AS at, s.channel AS channel, p.id AS promoter
