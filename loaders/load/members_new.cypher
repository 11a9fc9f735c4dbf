// Members the loader has proven new (see loaders/fresh.py): create them without
// looking for an existing one. Writes nothing while another load is running (its
// rows may be the same), and the loader then sends the batch through load/members.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id
                   AND other.beat_at > timestamp() - 60000 THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
WITH row[0] AS i, row[1] AS member_id, row[2] AS platform, row[3] AS joined_at,
     row[4] AS status, row[5] AS tier, row[6] AS left_at
CREATE (:Member {id: member_id, platform: platform, joined_at: joined_at,
                 status: coalesce(status, 'active'), tier: tier, left_at: left_at,
                 load_id: $load_id})
// One answer row (see write._placed): the rows placed (null: all), all of them created.
WITH collect(i) AS placed
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       null AS created
