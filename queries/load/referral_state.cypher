// For each referral row: does the referrer exist, who is the member's current
// referrer, and does the member already have recruits (only then can a cycle form).
UNWIND $rows AS row
WITH {i: row[0], member_id: row[1], referrer_id: row[2]} AS r
OPTIONAL MATCH (child:Member {id: r.member_id})
OPTIONAL MATCH (parent:Member {id: r.referrer_id})
OPTIONAL MATCH (current:Member)-[:REFERRED]->(child)
RETURN r.i AS i, child IS NOT NULL AS has_child, parent IS NOT NULL AS has_parent,
       current.id AS current, size([(child)-[:REFERRED]->(x) | x]) > 0 AS recruits
