// compliance/buyers for a report on one downline: buyers in $root's downline only.
MATCH (root:Member {id: $root})
MATCH (root)-[:REFERRED*0..]->(buyer:Member)
WITH DISTINCT buyer
MATCH (buyer)-[:MADE]->(p:Purchase)-[:OF]->(product:Product)
WHERE p.at <= $as_of AND p.status IN ['paid', 'settled']
RETURN buyer.id AS buyer, count(p) AS purchases,
       sum(CASE WHEN coalesce(product.entry_package, false) THEN 1 ELSE 0 END) AS entry
