// The TRUSTS edges out of the members named in $ids, for the analytic snapshot: one flat
// row per edge, src trusts dst (paged as snapshot_rows/referrals, which says why by id lists).
UNWIND $ids AS id
MATCH (a:Member {id: id})-[t:TRUSTS]->(b:Member)
RETURN a.id AS src, b.id AS dst, t.weight AS weight, t.since AS since
