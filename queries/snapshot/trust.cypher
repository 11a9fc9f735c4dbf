// The TRUSTS edges out of members whose id is in ($lo, $hi], for the analytic snapshot:
// one flat row per edge, src trusts dst (paged as snapshot/referrals).
MATCH (a:Member)-[t:TRUSTS]->(b:Member)
WHERE $lo < a.id AND a.id <= $hi
RETURN a.id AS src, b.id AS dst, t.weight AS weight, t.since AS since
