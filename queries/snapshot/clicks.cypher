// The CLICKED edges out of the viewers whose internal node id is in [$lo, $hi), for the
// analytic snapshot: one flat row per click, ends as internal node ids (paged as
// snapshot/referrals, which says why).
MATCH (v:Member)-[c:CLICKED]->(s:Share)
WHERE id(v) >= $lo AND id(v) < $hi
RETURN id(v) AS viewer, id(s) AS share, c.at AS at
