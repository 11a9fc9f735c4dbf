// One page of a member's own purchases (MADE), newest first, after a cursor, with the
// product and the promoter each is attributed to.
MATCH (m:Member {id: $id})-[:MADE]->(p:Purchase)
WHERE $after_at IS NULL OR p.at < $after_at OR (p.at = $after_at AND p.id > $after_id)
OPTIONAL MATCH (p)-[:OF]->(pr:Product)
OPTIONAL MATCH (p)-[:ATTRIBUTED_TO]->(promoter:Member)
RETURN p.id AS id, p.at AS at, p.amount AS amount, p.commission AS commission,
       p.status AS status, pr.id AS product_id, pr.name AS product_name,
       coalesce(pr.entry_package, false) AS entry_package, promoter.id AS promoter_id
ORDER BY p.at DESC, p.id
LIMIT $limit
