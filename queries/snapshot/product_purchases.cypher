// The purchases OF the products named in $ids, as snapshot/purchases_by_id reads them: a
// load that (re)writes a product may change its entry_package flag, which every purchase
// of it carries in the snapshot (snapshot.update).
UNWIND $ids AS id
MATCH (pr:Product {id: id})<-[:OF]-(x:Purchase)
OPTIONAL MATCH (b:Member)-[:MADE]->(x)
OPTIONAL MATCH (x)-[:ATTRIBUTED_TO]->(s:Member)
OPTIONAL MATCH (x)-[:VIA]->(sh:Share)
RETURN id(x) AS node, x.id AS id, b.id AS buyer, s.id AS promoter, sh.id AS share,
       x.amount AS amount, x.commission AS commission, x.status AS status, x.at AS at,
       true AS has_product, coalesce(pr.entry_package, false) AS entry
