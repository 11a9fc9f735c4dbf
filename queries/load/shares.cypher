// Shares: a promoter shared a product. Rows whose promoter or product is missing
// are not returned.
UNWIND $rows AS row
WITH {i: row[0], share_id: row[1], promoter_id: row[2], product_id: row[3], at: row[4],
      channel: row[5]} AS r
MATCH (m:Member {id: r.promoter_id})
MATCH (p:Product {id: r.product_id})
OPTIONAL MATCH (old:Share {id: r.share_id})
WITH r, m, p, old
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (m)-[:SHARED {load_id: $load_id}]->(:Share {id: r.share_id, at: r.at, channel: r.channel,
                                                     load_id: $load_id})-[:OF {load_id: $load_id}]->(p))
RETURN r.i AS i, old IS NULL AS created
