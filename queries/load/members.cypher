// Members from canonical rows. Idempotent: a property already set is only replaced by
// a non-null value, and load_id records the first load that wrote the node.
UNWIND $rows AS r
MERGE (m:Member {id: r.member_id})
SET m.platform = coalesce(r.platform, m.platform),
    m.joined_at = coalesce(r.joined_at, m.joined_at),
    m.status = coalesce(r.status, m.status),
    m.tier = coalesce(r.tier, m.tier),
    m.load_id = coalesce(m.load_id, $load_id)
