// A running load's heartbeat: how far it has read, and the server's clock, so a run
// whose process died (no beat for a minute) is not taken for a running one.
MATCH (l:LoadRun {id: $id})
SET l.records = $records, l.beat_at = timestamp()
