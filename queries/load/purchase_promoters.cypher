// The promoter a purchase is attributed to (locked for life: the first one stays).
UNWIND $rows AS r
MATCH (o:Purchase {id: r.order_id})
WHERE NOT (o)-[:ATTRIBUTED_TO]->()
MATCH (m:Member {id: r.promoter_id})
MERGE (o)-[e:ATTRIBUTED_TO]->(m)
ON CREATE SET e.load_id = $load_id
