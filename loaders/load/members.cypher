// Members: create the new ones; on a member already there, fill in what the row
// knows (a stub made from an order gets its real properties), writing only when a
// value changes (a write costs more than the comparison). The loader removes
// repeated keys from a batch first.
UNWIND $rows AS row
WITH row[0] AS i, row[1] AS member_id, row[2] AS platform, row[3] AS joined_at,
     row[4] AS status, row[5] AS tier, row[6] AS left_at
OPTIONAL MATCH (old:Member {id: member_id})
WITH i, member_id, platform, joined_at, status, tier, left_at, old
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (:Member {id: member_id, platform: platform, joined_at: joined_at,
                   status: coalesce(status, 'active'), tier: tier, left_at: left_at,
                   load_id: $load_id}))
WITH i, platform, joined_at, status, tier, left_at, old,
     old IS NULL OR (old.platform = coalesce(platform, old.platform)
  AND old.joined_at = coalesce(joined_at, old.joined_at)
  AND old.status = coalesce(status, CASE WHEN old.status = 'stub' THEN 'active' ELSE old.status END)
  AND old.tier = coalesce(tier, old.tier)
  AND (left_at IS NULL OR old.left_at = left_at)) AS unchanged
FOREACH (_ IN CASE WHEN unchanged THEN [] ELSE [1] END |
  SET old.platform = coalesce(platform, old.platform),
      old.joined_at = coalesce(joined_at, old.joined_at),
      old.status = coalesce(status, CASE WHEN old.status = 'stub' THEN 'active' ELSE old.status END),
      old.tier = coalesce(tier, old.tier),
      old.left_at = coalesce(left_at, old.left_at))
// One answer row (see write._placed): the rows placed (null: all) and the rows
// created (null: every row placed).
WITH collect(i) AS placed, collect(CASE WHEN old IS NULL THEN i END) AS created
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       CASE WHEN size(created) = size(placed) THEN null ELSE created END AS created
