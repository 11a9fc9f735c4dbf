// Compliance: paid and settled purchases in the window ($since < at <= $as_of), summed
// per promoter (a null promoter for purchases attributed to nobody): GMV, commission,
// entry-package revenue and commission (the recruitment reward), what members bought
// (internal consumption), what outside buyers bought (retail), what promoters bought
// through themselves (self-purchase). Money in minor units.
MATCH (p:Purchase)-[:OF]->(product:Product)
WHERE p.at > $since AND p.at <= $as_of AND p.status IN ['paid', 'settled']
OPTIONAL MATCH (p)-[:ATTRIBUTED_TO]->(promoter:Member)
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
