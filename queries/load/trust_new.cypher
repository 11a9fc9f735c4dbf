// Trust edges the loader has proven new (see loaders/fresh.py): no TRUSTS edge
// existed when the load started and the (src, dst) pair has not come up before.
// Rows with a missing member are not returned. Writes nothing while another load is
// running; the loader then sends the batch through load/trust.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
WITH {i: row[0], src_id: row[1], dst_id: row[2], weight: row[3], since: row[4],
      source: row[5]} AS r
MATCH (a:Member {id: r.src_id})
MATCH (b:Member {id: r.dst_id})
CREATE (a)-[:TRUSTS {weight: r.weight, since: r.since, source: r.source, load_id: $load_id}]->(b)
RETURN r.i AS i, true AS created
