// Products; entry_package marks a pack bought to become a member.
UNWIND $rows AS r
MERGE (p:Product {id: r.product_id})
SET p.name = coalesce(r.name, p.name),
    p.category = coalesce(r.category, p.category),
    p.price = coalesce(r.price, p.price),
    p.entry_package = coalesce(r.entry_package, p.entry_package, false),
    p.load_id = coalesce(p.load_id, $load_id)
