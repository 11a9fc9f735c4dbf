// The history of loads, newest first.
MATCH (l:LoadRun)
RETURN l.id AS id, l.source AS source, l.profile AS profile, l.counts AS counts,
       l.started_at AS started_at, l.finished_at AS finished_at, l.status AS status,
       l.records AS records, l.error AS error
ORDER BY l.started_at DESC, l.id
LIMIT $limit
