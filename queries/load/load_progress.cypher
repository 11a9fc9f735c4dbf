// How far a running load has read, for anyone watching the run.
MATCH (l:LoadRun {id: $id})
SET l.records = $records
