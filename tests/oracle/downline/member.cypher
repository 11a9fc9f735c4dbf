// The member a downline or upline question names: does it exist, and when did it join?
// (A root that joined after the "as of" instant does not exist for the answer.)
MATCH (m:Member {id: $id})
RETURN m.id AS id, m.joined_at AS joined_at, m.status AS status, m.tier AS tier
