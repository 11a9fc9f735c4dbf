// Clicks the loader has proven new (see loaders/fresh.py): no CLICKED edge existed
// when the load started and the click's key (viewer, share, at) has not come up
// before. Rows whose viewer or share is missing are not placed. Writes nothing while
// another load is running; the loader then sends the batch through load/clicks.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id
                   AND other.beat_at > timestamp() - 60000 THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
WITH row[0] AS i, row[1] AS viewer_id, row[2] AS share_id, row[3] AS at
MATCH (v:Member {id: viewer_id})
MATCH (s:Share {id: share_id})
CREATE (v)-[:CLICKED {at: at, load_id: $load_id}]->(s)
// One answer row (see write._placed): the rows placed (null: all), all of them created.
WITH collect(i) AS placed
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       null AS created
