// Purchases the loader has proven new (see loaders/fresh.py), with what they bought,
// who bought them, the promoter and the share, as load/purchases writes them: a row
// naming a product, buyer, promoter or share that is missing is not written or
// placed. Writes nothing while another load is running; the loader then sends the
// batch through load/purchases.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id
                   AND other.beat_at > timestamp() - 60000 THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
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
CREATE (o:Purchase {id: order_id, at: at, amount: amount, commission: commission,
                    status: coalesce(status, 'paid'), load_id: $load_id})
       -[:OF {load_id: $load_id}]->(p)
FOREACH (_b IN CASE WHEN b IS NULL THEN [] ELSE [1] END |
  CREATE (b)-[:MADE {load_id: $load_id}]->(o))
FOREACH (_m IN CASE WHEN m IS NULL THEN [] ELSE [1] END |
  CREATE (o)-[:ATTRIBUTED_TO {load_id: $load_id}]->(m))
FOREACH (_s IN CASE WHEN s IS NULL THEN [] ELSE [1] END |
  CREATE (o)-[:VIA {load_id: $load_id}]->(s))
// One answer row (see write._placed): the rows placed (null: all), all of them created.
WITH collect(i) AS placed
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       null AS created
