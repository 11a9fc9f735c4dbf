// One page of shares for the analytic snapshot (queries/snapshot): shares with an id
// after $after, in id order, $limit of them, each with when, the channel and the member
// who SHARED it (the model has one). Clicks are read apart (snapshot/clicks).
MATCH (s:Share)
WHERE s.id > $after
WITH s ORDER BY s.id LIMIT $limit
OPTIONAL MATCH (p:Member)-[:SHARED]->(s)
RETURN s.id AS id, s.at AS at, s.channel AS channel, p.id AS promoter
ORDER BY id
