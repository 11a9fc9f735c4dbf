// Referral edges for rows the loader has checked (no second referrer, no cycle).
// The guard keeps the first referrer even if another writer got there first.
UNWIND $rows AS row
WITH {i: row[0], member_id: row[1], referrer_id: row[2], joined_at: row[3]} AS r
MATCH (child:Member {id: r.member_id})
WHERE NOT ()-[:REFERRED]->(child)
MATCH (parent:Member {id: r.referrer_id})
CREATE (parent)-[:REFERRED {at: r.joined_at, source: $source, load_id: $load_id}]->(child)
RETURN r.i AS i, true AS created
