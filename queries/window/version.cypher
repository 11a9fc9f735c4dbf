// A fingerprint of the stored data that costs one small scan: how many load runs there
// are and when the latest one last changed state (every load records its run as it
// starts and as it ends). A server keeps the latest event per fingerprint
// (queries/window.py, remembered_latest).
MATCH (l:LoadRun)
RETURN count(l) AS loads, max(l.finished_at) AS loaded
