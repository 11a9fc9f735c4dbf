// Recruits per downline member (the root excluded) as of $as_of: one row per recruit
// count k >= 1 with how many members recruited k and their ids; members recruiting
// nobody are the rest of the downline (Python takes them from the size). Each recruit
// is counted at its referrer (the second-to-last node of its path), so the walk goes one
// level past the depth cut: a member at the cut still counts the recruits below it,
// since the cut limits what is shown, not what happened. Grouping the walk's own paths
// by parent is ~4x faster than a pattern comprehension per member. Anchored on a
// MATCHed root (FalkorDB issue 2561).
MATCH (root:Member {id: $root})
MATCH p = (root)-[:REFERRED*2..]->(m:Member)
WHERE ($max_depth IS NULL OR length(p) <= $max_depth + 1)
  AND all(r IN relationships(p) WHERE r.at IS NULL OR r.at <= $as_of)
WITH nodes(p)[length(p) - 1] AS parent, count(m) AS recruits
RETURN recruits, count(parent) AS members, collect(parent.id) AS ids
ORDER BY recruits DESC
