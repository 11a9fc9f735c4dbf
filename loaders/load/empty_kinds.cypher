// Before a load writes: how many other loads are running (their heartbeat is under a
// minute old: loaders/heartbeat.py), and which kinds of element
// the graph holds none of. The loader writes create-only batches (load/*_new) only for
// kinds that were empty when it started. Each OPTIONAL MATCH stops at the first match.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id
                   AND other.beat_at > timestamp() - 60000 THEN 1 END) AS others
OPTIONAL MATCH (m:Member)
WITH others, m LIMIT 1
OPTIONAL MATCH (a:Account)
WITH others, m, a LIMIT 1
OPTIONAL MATCH (s:Share)
WITH others, m, a, s LIMIT 1
OPTIONAL MATCH (p:Purchase)
WITH others, m, a, s, p LIMIT 1
OPTIONAL MATCH ()-[t:TRUSTS]->()
WITH others, m, a, s, p, t LIMIT 1
OPTIONAL MATCH ()-[c:CLICKED]->()
WITH others, m, a, s, p, t, c LIMIT 1
OPTIONAL MATCH ()-[r:REFERRED]->()
WITH others, m, a, s, p, t, c, r LIMIT 1
RETURN others, m IS NULL AS members, a IS NULL AS accounts, s IS NULL AS shares,
       p IS NULL AS purchases, t IS NULL AS trust, c IS NULL AS clicks,
       r IS NULL AS referrals
