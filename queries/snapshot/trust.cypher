// The TRUSTS edges out of the members whose internal node id is in [$lo, $hi), for the
// analytic snapshot: one flat row per edge, src trusts dst, ends as internal node ids
// (paged as snapshot/referrals, which says why).
MATCH (a:Member)-[t:TRUSTS]->(b:Member)
WHERE id(a) >= $lo AND id(a) < $hi
RETURN id(a) AS src, id(b) AS dst, t.weight AS weight, t.since AS since
