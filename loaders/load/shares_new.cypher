// Shares the loader has proven new (see loaders/fresh.py). Rows whose promoter or
// product is missing are not placed. Writes nothing while another load is running;
// the loader then sends the batch through load/shares.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id
                   AND other.beat_at > timestamp() - 60000 THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
WITH row[0] AS i, row[1] AS share_id, row[2] AS promoter_id, row[3] AS product_id,
     row[4] AS at, row[5] AS channel
MATCH (m:Member {id: promoter_id})
MATCH (p:Product {id: product_id})
CREATE (m)-[:SHARED {load_id: $load_id}]->(:Share {id: share_id, at: at, channel: channel,
                                                   load_id: $load_id})-[:OF {load_id: $load_id}]->(p)
// One answer row (see write._placed): the rows placed (null: all), all of them created.
WITH collect(i) AS placed
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       null AS created
