// Purchase nodes and what they bought. Buyer, promoter and share edges are
// separate steps (load/purchase_*), since each is optional on a row.
UNWIND $rows AS r
MATCH (p:Product {id: r.product_id})
MERGE (o:Purchase {id: r.order_id})
ON CREATE SET o.at = r.at, o.amount = r.amount, o.commission = r.commission,
              o.status = r.status, o.load_id = $load_id
MERGE (o)-[e:OF]->(p)
ON CREATE SET e.load_id = $load_id
