// The longest referral chain in the forest: root -> ... -> leaf, with its ids.
// The variable-length match is anchored on a MATCHed root, not through WITH
// (FalkorDB issue 2561: anchoring through WITH was about 100x slower).
MATCH (root:Member)
WHERE NOT ()-[:REFERRED]->(root) AND (root)-[:REFERRED]->()
MATCH p = (root)-[:REFERRED*]->(leaf:Member)
WHERE NOT (leaf)-[:REFERRED]->()
RETURN root.id AS root, length(p) AS depth, [n IN nodes(p) | n.id] AS chain
ORDER BY depth DESC, root ASC
LIMIT 1
