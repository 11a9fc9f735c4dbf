// Compliance: every member with a paid or settled purchase up to $as_of, with how many
// purchases and how many of them were entry packages: members whose only purchases are
// entry packages bought to join, and the members who bought anything at all.
MATCH (buyer:Member)-[:MADE]->(p:Purchase)-[:OF]->(product:Product)
WHERE p.at <= $as_of AND p.status IN ['paid', 'settled']
RETURN buyer.id AS buyer, count(p) AS purchases,
       sum(CASE WHEN coalesce(product.entry_package, false) THEN 1 ELSE 0 END) AS entry
