// Shares: a promoter shared a product. Rows whose promoter or product is missing
// are not placed.
UNWIND $rows AS row
WITH row[0] AS i, row[1] AS share_id, row[2] AS promoter_id, row[3] AS product_id,
     row[4] AS at, row[5] AS channel
MATCH (m:Member {id: promoter_id})
MATCH (p:Product {id: product_id})
OPTIONAL MATCH (old:Share {id: share_id})
WITH i, share_id, at, channel, m, p, old
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (m)-[:SHARED {load_id: $load_id}]->(:Share {id: share_id, at: at, channel: channel,
                                                     load_id: $load_id})-[:OF {load_id: $load_id}]->(p))
// One answer row (see write._placed): the rows placed (null: all) and the rows
// created (null: every row placed).
WITH collect(i) AS placed, collect(CASE WHEN old IS NULL THEN i END) AS created
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       CASE WHEN size(created) = size(placed) THEN null ELSE created END AS created
