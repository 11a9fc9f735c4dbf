// Members the loader has proven new (see loaders/fresh.py): create them without
// looking for an existing one. Writes nothing while another load is running (its
// rows may be the same), and the loader then sends the batch through load/members.
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
WITH {i: row[0], member_id: row[1], platform: row[2], joined_at: row[3],
      status: row[4], tier: row[5]} AS r
CREATE (:Member {id: r.member_id, platform: r.platform, joined_at: r.joined_at,
                 status: coalesce(r.status, 'active'), tier: r.tier, load_id: $load_id})
RETURN r.i AS i, true AS created
