// Shares the loader has proven new (see loaders/fresh.py). Rows whose promoter or
// product is missing are not returned. Writes nothing while another load is running;
// the loader then sends the batch through load/shares.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
WITH {i: row[0], share_id: row[1], promoter_id: row[2], product_id: row[3], at: row[4],
      channel: row[5]} AS r
MATCH (m:Member {id: r.promoter_id})
MATCH (p:Product {id: r.product_id})
CREATE (m)-[:SHARED {load_id: $load_id}]->(:Share {id: r.share_id, at: r.at, channel: r.channel,
                                                   load_id: $load_id})-[:OF {load_id: $load_id}]->(p)
RETURN r.i AS i, true AS created
