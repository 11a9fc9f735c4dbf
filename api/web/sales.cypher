// The newest purchases attributed to a member (its sales as a promoter), with the buyer
// and the product: the web app's member card. The buyer may be outside the viewer's
// scope; the page shows only the ids its scope allows.
MATCH (p:Purchase)-[:ATTRIBUTED_TO]->(:Member {id: $id})
OPTIONAL MATCH (b:Member)-[:MADE]->(p)
OPTIONAL MATCH (p)-[:OF]->(pr:Product)
RETURN p.id AS id, p.at AS at, p.amount AS amount, p.commission AS commission,
       p.status AS status, pr.name AS product_name, b.id AS buyer_id
ORDER BY p.at DESC, p.id
LIMIT $limit
