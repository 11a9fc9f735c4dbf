// How many other load runs changed state since $since (or are running now): a load's
// record of what it touched (snapshot.update) covers its own rows only, so its
// snapshot is updated only when this is 0.
MATCH (l:LoadRun)
WHERE l.id <> $id
  AND (l.finished_at >= $since
       OR (l.status = 'running' AND l.beat_at > timestamp() - 60000))
RETURN count(l) AS others
