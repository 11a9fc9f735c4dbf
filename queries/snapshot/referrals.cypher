// The REFERRED edges into members whose id is in ($lo, $hi], for the analytic snapshot:
// one flat row per edge (a member with two referrers has two). The snapshot pages by
// ranges of member ids it has read, so each page is an index range scan.
MATCH (p:Member)-[r:REFERRED]->(m:Member)
WHERE $lo < m.id AND m.id <= $hi
RETURN m.id AS child, p.id AS referrer, r.at AS at
