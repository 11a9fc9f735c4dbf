// Referral edges. A member keeps the first referrer it was given: platforms lock
// attribution for life, so a second, different referrer never overwrites it.
UNWIND $rows AS r
MATCH (child:Member {id: r.member_id})
WHERE NOT ()-[:REFERRED]->(child)
MATCH (parent:Member {id: r.referrer_id})
MERGE (parent)-[e:REFERRED]->(child)
ON CREATE SET e.at = r.joined_at, e.source = $source, e.load_id = $load_id
