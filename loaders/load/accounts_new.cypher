// Platform accounts the loader has proven new (see loaders/fresh.py), with the edge
// from their member. Rows whose member is missing are not placed. Writes nothing
// while another load is running; the loader then sends the batch through load/accounts.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id
                   AND other.beat_at > timestamp() - 60000 THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
WITH row[0] AS i, row[1] AS member_id, row[2] AS platform, row[3] AS account_id
MATCH (m:Member {id: member_id})
CREATE (m)-[:HAS_ACCOUNT {load_id: $load_id}]->
       (:Account {platform: platform, id: account_id, load_id: $load_id})
// One answer row (see write._placed): the rows placed (null: all), all of them created.
WITH collect(i) AS placed
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       null AS created
