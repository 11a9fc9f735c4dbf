// The TRUSTS edges out of the members named in $ids, ends as ids (text): what a snapshot
// update (snapshot.update) re-reads of the trust sources a load touched (as
// snapshot/referrals_by_id).
UNWIND $ids AS id
MATCH (a:Member {id: id})-[t:TRUSTS]->(b:Member)
RETURN a.id AS src, b.id AS dst, t.weight AS weight, t.since AS since
