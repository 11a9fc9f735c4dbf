// The share a purchase came through.
UNWIND $rows AS r
MATCH (o:Purchase {id: r.order_id})
MATCH (s:Share {id: r.share_id})
MERGE (o)-[e:VIA]->(s)
ON CREATE SET e.load_id = $load_id
