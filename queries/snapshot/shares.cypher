// The shares whose internal node id is in [$lo, $hi), for the analytic snapshot (paged
// as snapshot/members): when, the channel and the member who SHARED it (the model has
// one) as an internal node id. Clicks are read apart (snapshot/clicks).
MATCH (s:Share)
WHERE id(s) >= $lo AND id(s) < $hi
OPTIONAL MATCH (p:Member)-[:SHARED]->(s)
RETURN id(s) AS node, s.id AS id, s.at AS at, s.channel AS channel, id(p) AS promoter
