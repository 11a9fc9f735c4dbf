// The shares whose internal node id is in [$lo, $hi), for the analytic snapshot (paged
// as snapshot_rows/members): when, the channel and the member who SHARED it (the model has
// one). Clicks are read apart (snapshot_rows/clicks).
MATCH (s:Share)
WHERE id(s) >= $lo AND id(s) < $hi
OPTIONAL MATCH (p:Member)-[:SHARED]->(s)
RETURN s.id AS id, s.at AS at, s.channel AS channel, p.id AS promoter
