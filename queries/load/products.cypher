// Products: create the new ones; on one already there, fill in missing properties.
UNWIND $rows AS row
WITH {i: row[0], product_id: row[1], name: row[2], category: row[3], price: row[4],
      entry_package: row[5]} AS r
OPTIONAL MATCH (old:Product {id: r.product_id})
WITH r, old
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (:Product {id: r.product_id, name: r.name, category: r.category, price: r.price,
                    entry_package: coalesce(r.entry_package, false), load_id: $load_id}))
FOREACH (_ IN CASE WHEN old IS NULL THEN [] ELSE [1] END |
  SET old.name = coalesce(old.name, r.name),
      old.category = coalesce(old.category, r.category),
      old.price = coalesce(old.price, r.price),
      old.entry_package = coalesce(r.entry_package, old.entry_package))
RETURN r.i AS i, old IS NULL AS created
