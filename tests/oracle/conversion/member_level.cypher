// One member's depth in its referral tree as of $as_of (root = 0), as the level split
// counts it: a scoped report counts levels from its own root.
MATCH up = (m:Member {id: $id})<-[:REFERRED*0..]-(:Member)
WHERE all(r IN relationships(up) WHERE r.at IS NULL OR r.at <= $as_of)
RETURN max(length(up)) AS level
