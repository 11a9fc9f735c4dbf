// Every member in $root's downline as of $as_of, $root included: the team a scoped
// question covers (an organizer's influence, conversion and compliance). A member is in
// it when every referral on the way down was made by $as_of and the member had joined
// by then (a referral or join with no time counts as always there). Anchored on the
// root (an index lookup; FalkorDB issue 2561).
MATCH (root:Member {id: $root})
MATCH p = (root)-[:REFERRED*0..]->(m:Member)
WHERE all(r IN relationships(p) WHERE r.at IS NULL OR r.at <= $as_of)
  AND coalesce(m.joined_at, 0) <= $as_of
RETURN DISTINCT m.id AS id, m.joined_at AS joined_at
