// Purchases with what they bought, who bought them, the promoter they are
// attributed to and the share they came through. A row is written whole or not at
// all: rows naming a product, buyer, promoter or share that is missing are not
// placed (the loader retries them at the end of the load).
UNWIND $rows AS row
WITH row[0] AS i, row[1] AS order_id, row[2] AS buyer_id, row[3] AS product_id,
     row[4] AS promoter_id, row[5] AS share_id, row[6] AS at, row[7] AS amount,
     row[8] AS commission, row[9] AS status
MATCH (p:Product {id: product_id})
OPTIONAL MATCH (b:Member {id: buyer_id})
OPTIONAL MATCH (m:Member {id: promoter_id})
OPTIONAL MATCH (s:Share {id: share_id})
WITH i, order_id, buyer_id, promoter_id, share_id, at, amount, commission, status, p, b, m, s
WHERE (buyer_id IS NULL OR b IS NOT NULL)
  AND (promoter_id IS NULL OR m IS NOT NULL)
  AND (share_id IS NULL OR s IS NOT NULL)
OPTIONAL MATCH (old:Purchase {id: order_id})
WITH i, order_id, at, amount, commission, status, p, b, m, s, old
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (o:Purchase {id: order_id, at: at, amount: amount, commission: commission,
                      status: coalesce(status, 'paid'), load_id: $load_id})
         -[:OF {load_id: $load_id}]->(p)
  FOREACH (_b IN CASE WHEN b IS NULL THEN [] ELSE [1] END |
    CREATE (b)-[:MADE {load_id: $load_id}]->(o))
  FOREACH (_m IN CASE WHEN m IS NULL THEN [] ELSE [1] END |
    CREATE (o)-[:ATTRIBUTED_TO {load_id: $load_id}]->(m))
  FOREACH (_s IN CASE WHEN s IS NULL THEN [] ELSE [1] END |
    CREATE (o)-[:VIA {load_id: $load_id}]->(s)))
// One answer row (see write._placed): the rows placed (null: all) and the rows
// created (null: every row placed).
WITH collect(i) AS placed, collect(CASE WHEN old IS NULL THEN i END) AS created
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       CASE WHEN size(created) = size(placed) THEN null ELSE created END AS created
