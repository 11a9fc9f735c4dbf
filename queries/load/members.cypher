// Members: create the new ones; on a member already there, fill in what the row
// knows (a stub made from an order gets its real properties), writing only when a
// value changes (a write costs more than the comparison). Returns each row with
// whether it created the member. The loader removes repeated keys from a batch first.
UNWIND $rows AS row
WITH {i: row[0], member_id: row[1], platform: row[2], joined_at: row[3],
      status: row[4], tier: row[5]} AS r
OPTIONAL MATCH (old:Member {id: r.member_id})
WITH r, old
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (:Member {id: r.member_id, platform: r.platform, joined_at: r.joined_at,
                   status: coalesce(r.status, 'active'), tier: r.tier, load_id: $load_id}))
WITH r, old, old IS NULL OR (old.platform = coalesce(r.platform, old.platform)
  AND old.joined_at = coalesce(r.joined_at, old.joined_at)
  AND old.status = coalesce(r.status, CASE WHEN old.status = 'stub' THEN 'active' ELSE old.status END)
  AND old.tier = coalesce(r.tier, old.tier)) AS unchanged
FOREACH (_ IN CASE WHEN unchanged THEN [] ELSE [1] END |
  SET old.platform = coalesce(r.platform, old.platform),
      old.joined_at = coalesce(r.joined_at, old.joined_at),
      old.status = coalesce(r.status, CASE WHEN old.status = 'stub' THEN 'active' ELSE old.status END),
      old.tier = coalesce(r.tier, old.tier))
RETURN r.i AS i, old IS NULL AS created
