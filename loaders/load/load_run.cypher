// Record one load run: what it read, what it wrote, when, how it ended (queued,
// running, finished or failed, with the error), and where its quarantine file is
// (an absolute server path, or null: never returned through the API).
MERGE (l:LoadRun {id: $id})
SET l.source = $source, l.profile = $profile, l.counts = $counts,
    l.started_at = $started_at, l.finished_at = $finished_at, l.status = $status,
    l.records = $records, l.error = $error, l.quarantine = $quarantine,
    l.beat_at = timestamp()
