// The history of loads, newest first. A queued or running run whose heartbeat is a
// minute old has stopped: its process died (loaders/heartbeat.py).
MATCH (l:LoadRun)
RETURN l.id AS id, l.source AS source, l.profile AS profile, l.counts AS counts,
       l.started_at AS started_at, l.finished_at AS finished_at,
       CASE WHEN l.status IN ['queued', 'running']
                 AND NOT coalesce(l.beat_at, 0) > timestamp() - 60000
            THEN 'stopped' ELSE l.status END AS status,
       l.records AS records, l.error AS error, l.quarantine AS quarantine
ORDER BY l.started_at DESC, l.id
LIMIT $limit
