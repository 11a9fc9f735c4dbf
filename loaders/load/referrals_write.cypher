// Referral edges for rows the loader has checked (no second referrer, no cycle).
// The guard keeps the first referrer even if another writer got there first.
UNWIND $rows AS row
WITH row[0] AS i, row[1] AS member_id, row[2] AS referrer_id, row[3] AS joined_at
MATCH (child:Member {id: member_id})
WHERE NOT ()-[:REFERRED]->(child)
MATCH (parent:Member {id: referrer_id})
CREATE (parent)-[:REFERRED {at: joined_at, source: $source, load_id: $load_id}]->(child)
// One answer row (see write._placed): the rows placed (null: all), all of them created.
WITH collect(i) AS placed
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       null AS created
