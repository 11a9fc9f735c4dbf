// The members whose internal node id is in [$lo, $hi), for the analytic snapshot: one
// flat row each, with the node id that edge reads name it by. Ranges of internal ids are
// a label-and-id scan with no sort; paging by `m.id > $after ORDER BY m.id LIMIT` sorted
// the rest of the members for every page (2.7 s of server time a page at 1,000,000
// members). The snapshot sorts by id itself.
MATCH (m:Member)
WHERE id(m) >= $lo AND id(m) < $hi
RETURN id(m) AS node, m.id AS id, m.joined_at AS joined_at, m.status AS status,
       m.tier AS tier
