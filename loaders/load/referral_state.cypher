// For each referral row: does the referrer exist, who is the member's current
// referrer, and does the member already have recruits (only then can a cycle form).
UNWIND $rows AS row
WITH row[0] AS i, row[1] AS member_id, row[2] AS referrer_id
OPTIONAL MATCH (child:Member {id: member_id})
OPTIONAL MATCH (parent:Member {id: referrer_id})
OPTIONAL MATCH (current:Member)-[:REFERRED]->(child)
RETURN i, child IS NOT NULL AS has_child, parent IS NOT NULL AS has_parent,
       current.id AS current, size([(child)-[:REFERRED]->(x) | x]) > 0 AS recruits
