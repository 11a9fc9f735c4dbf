// Clicks the loader has proven new (see loaders/fresh.py): no CLICKED edge existed
// when the load started and the (viewer, share) pair has not come up before. Rows
// whose viewer or share is missing are not returned. Writes nothing while another
// load is running; the loader then sends the batch through load/clicks.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
WITH {i: row[0], viewer_id: row[1], share_id: row[2], at: row[3]} AS r
MATCH (v:Member {id: r.viewer_id})
MATCH (s:Share {id: r.share_id})
CREATE (v)-[:CLICKED {at: r.at, load_id: $load_id}]->(s)
RETURN r.i AS i, true AS created
