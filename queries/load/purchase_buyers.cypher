// Who made a purchase, for rows that name a member as the buyer.
UNWIND $rows AS r
MATCH (o:Purchase {id: r.order_id})
MATCH (b:Member {id: r.buyer_id})
MERGE (b)-[e:MADE]->(o)
ON CREATE SET e.load_id = $load_id
