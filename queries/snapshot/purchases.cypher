// The purchases whose internal node id is in [$lo, $hi), for the analytic snapshot
// (paged as snapshot/members; a purchase is its node id here, the snapshot keeps its
// first row), its order id (the snapshot's p_key), with the buyer (MADE), the promoter
// (ATTRIBUTED_TO) and the share it came VIA as internal node ids, whether a product is
// attached (OF) and whether it is an entry package. Every status is read; questions
// pick the ones they count.
MATCH (x:Purchase)
WHERE id(x) >= $lo AND id(x) < $hi
OPTIONAL MATCH (b:Member)-[:MADE]->(x)
OPTIONAL MATCH (x)-[:ATTRIBUTED_TO]->(s:Member)
OPTIONAL MATCH (x)-[:VIA]->(sh:Share)
OPTIONAL MATCH (x)-[:OF]->(pr:Product)
RETURN id(x) AS node, x.id AS id, id(b) AS buyer, id(s) AS promoter, id(sh) AS share,
       x.amount AS amount, x.commission AS commission, x.status AS status, x.at AS at,
       pr IS NOT NULL AS has_product, coalesce(pr.entry_package, false) AS entry
