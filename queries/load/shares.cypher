// Shares: a promoter shared a product.
UNWIND $rows AS r
MATCH (m:Member {id: r.promoter_id})
MATCH (p:Product {id: r.product_id})
MERGE (s:Share {id: r.share_id})
ON CREATE SET s.at = r.at, s.channel = r.channel, s.load_id = $load_id
MERGE (m)-[e:SHARED]->(s)
ON CREATE SET e.load_id = $load_id
MERGE (s)-[o:OF]->(p)
ON CREATE SET o.load_id = $load_id
