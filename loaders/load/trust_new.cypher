// Trust edges the loader has proven new (see loaders/fresh.py): no TRUSTS edge
// existed when the load started and the (src, dst) pair has not come up before.
// Rows with a missing member are not placed. Writes nothing while another load is
// running; the loader then sends the batch through load/trust.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id
                   AND other.beat_at > timestamp() - 60000 THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
WITH row[0] AS i, row[1] AS src_id, row[2] AS dst_id, row[3] AS weight, row[4] AS since,
     row[5] AS source
MATCH (a:Member {id: src_id})
MATCH (b:Member {id: dst_id})
CREATE (a)-[:TRUSTS {weight: weight, since: since, source: source, load_id: $load_id}]->(b)
// One answer row (see write._placed): the rows placed (null: all), all of them created.
WITH collect(i) AS placed
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       null AS created
