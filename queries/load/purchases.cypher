// Purchases with what they bought, who bought them, the promoter they are
// attributed to and the share they came through. A row is written whole or not at
// all: rows naming a product, buyer, promoter or share that is missing are not
// returned (the loader retries them at the end of the load).
UNWIND $rows AS row
WITH {i: row[0], order_id: row[1], buyer_id: row[2], product_id: row[3],
      promoter_id: row[4], share_id: row[5], at: row[6], amount: row[7],
      commission: row[8], status: row[9]} AS r
MATCH (p:Product {id: r.product_id})
OPTIONAL MATCH (b:Member {id: r.buyer_id})
OPTIONAL MATCH (m:Member {id: r.promoter_id})
OPTIONAL MATCH (s:Share {id: r.share_id})
WITH r, p, b, m, s
WHERE (r.buyer_id IS NULL OR b IS NOT NULL)
  AND (r.promoter_id IS NULL OR m IS NOT NULL)
  AND (r.share_id IS NULL OR s IS NOT NULL)
OPTIONAL MATCH (old:Purchase {id: r.order_id})
WITH r, p, b, m, s, old
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (o:Purchase {id: r.order_id, at: r.at, amount: r.amount, commission: r.commission,
                      status: coalesce(r.status, 'paid'), load_id: $load_id})
         -[:OF {load_id: $load_id}]->(p)
  FOREACH (_b IN CASE WHEN b IS NULL THEN [] ELSE [1] END |
    CREATE (b)-[:MADE {load_id: $load_id}]->(o))
  FOREACH (_m IN CASE WHEN m IS NULL THEN [] ELSE [1] END |
    CREATE (o)-[:ATTRIBUTED_TO {load_id: $load_id}]->(m))
  FOREACH (_s IN CASE WHEN s IS NULL THEN [] ELSE [1] END |
    CREATE (o)-[:VIA {load_id: $load_id}]->(s)))
RETURN r.i AS i, old IS NULL AS created
