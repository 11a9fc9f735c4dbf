// Products: create the new ones; on one already there, fill in missing properties.
UNWIND $rows AS row
WITH row[0] AS i, row[1] AS product_id, row[2] AS name, row[3] AS category,
     row[4] AS price, row[5] AS entry_package
OPTIONAL MATCH (old:Product {id: product_id})
WITH i, product_id, name, category, price, entry_package, old
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (:Product {id: product_id, name: name, category: category, price: price,
                    entry_package: coalesce(entry_package, false), load_id: $load_id}))
FOREACH (_ IN CASE WHEN old IS NULL THEN [] ELSE [1] END |
  SET old.name = coalesce(old.name, name),
      old.category = coalesce(old.category, category),
      old.price = coalesce(old.price, price),
      old.entry_package = coalesce(entry_package, old.entry_package))
// One answer row (see write._placed): the rows placed (null: all) and the rows
// created (null: every row placed).
WITH collect(i) AS placed, collect(CASE WHEN old IS NULL THEN i END) AS created
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       CASE WHEN size(created) = size(placed) THEN null ELSE created END AS created
