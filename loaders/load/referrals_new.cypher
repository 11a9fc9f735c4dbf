// Referral edges for rows the loader has proven new (see write._proven_new): no
// REFERRED edge existed when the load started and the member has come up neither as a
// member nor as a referrer before, so it has no referrer and no recruits yet. No guard
// reads REFERRED: such a read right after edges of the type were created makes the
// server merge all of the type's pending changes first. Rows with a missing member
// are not placed. Writes nothing while another load is running; the loader then
// checks the batch (write._check_referrals).
OPTIONAL MATCH (other:LoadRun)
WITH count(CASE WHEN other.status = 'running' AND other.id <> $load_id
                   AND other.beat_at > timestamp() - 60000 THEN 1 END) AS others
UNWIND CASE WHEN others = 0 THEN $rows ELSE [] END AS row
WITH row[0] AS i, row[1] AS member_id, row[2] AS referrer_id, row[3] AS joined_at
MATCH (child:Member {id: member_id})
MATCH (parent:Member {id: referrer_id})
CREATE (parent)-[:REFERRED {at: joined_at, source: $source, load_id: $load_id}]->(child)
// One answer row (see write._placed): the rows placed (null: all), all of them created.
WITH collect(i) AS placed
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       null AS created
