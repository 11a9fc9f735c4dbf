// Compliance: every load run with what it read and its per-entity counts (a JSON
// string: rows, written, duplicates, quarantined), so the report can state how many
// referral rows the loads refused (second referrers, cycles, self-referrals).
MATCH (l:LoadRun)
RETURN l.id AS id, l.source AS source, l.counts AS counts, l.started_at AS started_at,
       l.status AS status, l.quarantine AS quarantine
ORDER BY started_at, id
