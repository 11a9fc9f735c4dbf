// The members who own a platform account with this id (any platform): the web app's
// "find a member" takes an account id as well as a member id. The page keeps only the
// ones the viewer's scope allows.
MATCH (m:Member)-[:HAS_ACCOUNT]->(a:Account {id: $id})
RETURN DISTINCT m.id AS member
ORDER BY member
LIMIT $limit
