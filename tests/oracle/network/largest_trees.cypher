// Organizations by size: each root with the number of members in its tree.
MATCH (root:Member)
WHERE NOT ()-[:REFERRED]->(root) AND (root)-[:REFERRED]->()
MATCH (root)-[:REFERRED*]->(d:Member)
WITH root, count(d) AS downline
RETURN root.id AS root, downline + 1 AS members
ORDER BY members DESC, root ASC
LIMIT $top
