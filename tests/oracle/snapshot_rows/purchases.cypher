// The purchases whose internal node id is in [$lo, $hi), for the analytic snapshot
// (paged as snapshot_rows/members), with the buyer (MADE), the promoter (ATTRIBUTED_TO), the
// share it came VIA, whether a product is attached (OF) and whether it is an entry
// package. Every status is read; questions pick the ones they count.
MATCH (x:Purchase)
WHERE id(x) >= $lo AND id(x) < $hi
OPTIONAL MATCH (b:Member)-[:MADE]->(x)
OPTIONAL MATCH (x)-[:ATTRIBUTED_TO]->(s:Member)
OPTIONAL MATCH (x)-[:VIA]->(sh:Share)
OPTIONAL MATCH (x)-[:OF]->(pr:Product)
RETURN x.id AS id, b.id AS buyer, s.id AS promoter, sh.id AS share, x.amount AS amount,
       x.commission AS commission, x.status AS status, x.at AS at,
       pr IS NOT NULL AS has_product, coalesce(pr.entry_package, false) AS entry
