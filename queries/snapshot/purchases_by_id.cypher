// The purchases named in $ids, as snapshot/purchases reads them but for the ends (buyer,
// promoter, share), given by their ids (text): what a snapshot update (snapshot.update)
// re-reads of the orders a load touched. The snapshot it updates knows members and
// shares by id, not by internal node id.
UNWIND $ids AS id
MATCH (x:Purchase {id: id})
OPTIONAL MATCH (b:Member)-[:MADE]->(x)
OPTIONAL MATCH (x)-[:ATTRIBUTED_TO]->(s:Member)
OPTIONAL MATCH (x)-[:VIA]->(sh:Share)
OPTIONAL MATCH (x)-[:OF]->(pr:Product)
RETURN id(x) AS node, x.id AS id, b.id AS buyer, s.id AS promoter, sh.id AS share,
       x.amount AS amount, x.commission AS commission, x.status AS status, x.at AS at,
       pr IS NOT NULL AS has_product, coalesce(pr.entry_package, false) AS entry
