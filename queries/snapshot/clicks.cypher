// The CLICKED edges of viewers whose id is in ($lo, $hi], for the analytic snapshot: one
// flat row per click (paged as snapshot/referrals).
MATCH (v:Member)-[c:CLICKED]->(s:Share)
WHERE $lo < v.id AND v.id <= $hi
RETURN v.id AS viewer, s.id AS share, c.at AS at
