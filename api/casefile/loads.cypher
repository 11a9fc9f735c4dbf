// The case file: every load run the data rests on, oldest first, with what it read
// and its per-entity counts (a JSON string).
MATCH (l:LoadRun)
RETURN l.id AS id, l.source AS source, l.profile AS profile, l.status AS status,
       l.started_at AS started_at, l.finished_at AS finished_at, l.counts AS counts
ORDER BY started_at, id
