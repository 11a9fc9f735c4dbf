// The 2013 opinion's facts about leaders that the analytic snapshot does not hold: when
// each member in $ids formally left (left_at), and the other members holding one of its
// platform accounts (the same account holder: one person). A lookup by id for the
// organizers a report assesses, never a scan of the network.
UNWIND $ids AS id
MATCH (m:Member {id: id})
OPTIONAL MATCH (m)-[:HAS_ACCOUNT]->(:Account)<-[:HAS_ACCOUNT]-(o:Member)
WHERE o <> m
RETURN id, m.left_at AS left_at, collect(DISTINCT o.id) AS same
