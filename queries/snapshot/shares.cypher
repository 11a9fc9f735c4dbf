// One page of shares for the analytic snapshot (queries/snapshot): shares with an id
// after $after, in id order, $limit of them, one row each (per promoter, of which the
// model has one): when, the channel, the promoter who SHARED it and every CLICKED edge
// on it as [viewer, at]. An OPTIONAL MATCH that finds nothing collects [null, null].
MATCH (s:Share)
WHERE s.id > $after
WITH s ORDER BY s.id LIMIT $limit
OPTIONAL MATCH (p:Member)-[:SHARED]->(s)
WITH s, p
OPTIONAL MATCH (v:Member)-[c:CLICKED]->(s)
RETURN s.id AS id, s.at AS at, s.channel AS channel, p.id AS promoter,
       collect([v.id, c.at]) AS clicks
ORDER BY id
