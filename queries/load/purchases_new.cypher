// Purchases the loader has proven new (see loaders/fresh.py), with what they bought,
// who bought them, the promoter and the share, as load/purchases writes them: a row
// naming a product, buyer, promoter or share that is missing is not written or
// returned. Writes nothing while another load is running; the loader then sends the
// batch through load/purchases.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
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
CREATE (o:Purchase {id: r.order_id, at: r.at, amount: r.amount, commission: r.commission,
                    status: coalesce(r.status, 'paid'), load_id: $load_id})
       -[:OF {load_id: $load_id}]->(p)
FOREACH (_b IN CASE WHEN b IS NULL THEN [] ELSE [1] END |
  CREATE (b)-[:MADE {load_id: $load_id}]->(o))
FOREACH (_m IN CASE WHEN m IS NULL THEN [] ELSE [1] END |
  CREATE (o)-[:ATTRIBUTED_TO {load_id: $load_id}]->(m))
FOREACH (_s IN CASE WHEN s IS NULL THEN [] ELSE [1] END |
  CREATE (o)-[:VIA {load_id: $load_id}]->(s))
RETURN r.i AS i, true AS created
