// The CLICKED edges of the viewers named in $ids, ends as ids (text): what a snapshot
// update (snapshot.update) re-reads of the click viewers a load touched (as
// snapshot/referrals_by_id).
UNWIND $ids AS id
MATCH (v:Member {id: id})-[c:CLICKED]->(s:Share)
RETURN v.id AS viewer, s.id AS share, c.at AS at
