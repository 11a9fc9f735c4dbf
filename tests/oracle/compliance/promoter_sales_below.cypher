// compliance/promoter_sales for a report on one downline: the same sums, for promoters
// in $root's downline only (anchored on the root).
MATCH (root:Member {id: $root})
MATCH (root)-[:REFERRED*0..]->(promoter:Member)
WITH DISTINCT promoter
MATCH (p:Purchase)-[:ATTRIBUTED_TO]->(promoter)
WHERE p.at > $since AND p.at <= $as_of AND p.status IN ['paid', 'settled']
MATCH (p)-[:OF]->(product:Product)
OPTIONAL MATCH (buyer:Member)-[:MADE]->(p)
WITH p, promoter, buyer, coalesce(product.entry_package, false) AS entry,
     coalesce(p.commission, 0) AS commission
RETURN promoter.id AS promoter, promoter.status AS status,
       count(p) AS purchases,
       sum(p.amount) AS gmv,
       sum(commission) AS commission,
       sum(CASE WHEN entry THEN 1 ELSE 0 END) AS entry_purchases,
       sum(CASE WHEN entry THEN p.amount ELSE 0 END) AS entry_gmv,
       sum(CASE WHEN entry THEN commission ELSE 0 END) AS entry_commission,
       sum(CASE WHEN buyer IS NULL THEN 0 ELSE p.amount END) AS internal_gmv,
       sum(CASE WHEN buyer IS NULL THEN p.amount ELSE 0 END) AS outside_gmv,
       sum(CASE WHEN buyer IS NULL AND NOT entry THEN commission ELSE 0 END)
         AS retail_commission,
       sum(CASE WHEN buyer IS NOT NULL AND buyer = promoter THEN p.amount ELSE 0 END)
         AS self_gmv
