// The REFERRED edges into the members named in $ids, ends as ids (text): what a snapshot
// update (snapshot.update) re-reads of the referral children a load touched (the full
// build reads snapshot/referrals, by ranges of node ids). An index lookup each; never a
// range of ids (FalkorDB's index answers a string range with an upper bound wrongly).
UNWIND $ids AS id
MATCH (p:Member)-[r:REFERRED]->(m:Member {id: id})
RETURN m.id AS child, p.id AS referrer, r.at AS at
