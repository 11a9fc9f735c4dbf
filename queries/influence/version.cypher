// The trust projection's graph version: how many members, trust edges and load runs
// there are, the latest join and the latest load's finish. Every load records a
// LoadRun (and its finish time), and loads only ever add trust edges, so a cached
// projection keyed by these is stale exactly when it should be (queries/projection.py;
// projection.invalidate() covers writes that bypass the loader). Trust properties are
// not scanned: reading them takes about a second at 100,000 members.
OPTIONAL MATCH (m:Member)
WITH count(m) AS members, max(m.joined_at) AS joined
OPTIONAL MATCH ()-[t:TRUSTS]->()
WITH members, joined, count(t) AS trust
OPTIONAL MATCH (l:LoadRun)
RETURN members, joined, trust, count(l) AS loads, max(l.finished_at) AS loaded
