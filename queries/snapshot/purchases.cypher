// One page of purchases for the analytic snapshot (queries/snapshot): purchases with an
// id after $after, in id order, $limit of them, with the buyer (MADE), the promoter
// (ATTRIBUTED_TO), the share it came VIA, whether a product is attached (OF) and whether
// it is an entry package. Every status is read; questions pick the ones they count.
MATCH (x:Purchase)
WHERE x.id > $after
WITH x ORDER BY x.id LIMIT $limit
OPTIONAL MATCH (b:Member)-[:MADE]->(x)
OPTIONAL MATCH (x)-[:ATTRIBUTED_TO]->(s:Member)
OPTIONAL MATCH (x)-[:VIA]->(sh:Share)
OPTIONAL MATCH (x)-[:OF]->(pr:Product)
RETURN x.id AS id, b.id AS buyer, s.id AS promoter, sh.id AS share, x.amount AS amount,
       x.commission AS commission, x.status AS status, x.at AS at,
       pr IS NOT NULL AS has_product, coalesce(pr.entry_package, false) AS entry
ORDER BY id
