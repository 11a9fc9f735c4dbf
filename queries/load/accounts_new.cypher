// Platform accounts the loader has proven new (see loaders/fresh.py), with the edge
// from their member. Rows whose member is missing are not returned. Writes nothing
// while another load is running; the loader then sends the batch through load/accounts.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
WITH {i: row[0], member_id: row[1], platform: row[2], account_id: row[3]} AS r
MATCH (m:Member {id: r.member_id})
CREATE (m)-[:HAS_ACCOUNT {load_id: $load_id}]->
       (:Account {platform: r.platform, id: r.account_id, load_id: $load_id})
RETURN r.i AS i, true AS created
