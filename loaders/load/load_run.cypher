// Record one load run: what it read, what it wrote, when, and how it ended
// (queued, running, finished or failed, with the error).
MERGE (l:LoadRun {id: $id})
SET l.source = $source, l.profile = $profile, l.counts = $counts,
    l.started_at = $started_at, l.finished_at = $finished_at, l.status = $status,
    l.records = $records, l.error = $error, l.beat_at = timestamp()
