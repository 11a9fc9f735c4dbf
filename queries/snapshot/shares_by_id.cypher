// The shares named in $ids, as snapshot/shares reads them but for the promoter, given by
// its id (text): what a snapshot update (snapshot.update) re-reads of the shares a load
// touched. The snapshot it updates knows members by id, not by internal node id.
UNWIND $ids AS id
MATCH (s:Share {id: id})
OPTIONAL MATCH (p:Member)-[:SHARED]->(s)
RETURN id(s) AS node, s.id AS id, s.at AS at, s.channel AS channel, p.id AS promoter
