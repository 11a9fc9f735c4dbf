// Platform accounts and who owns them. Rows whose member is missing are not returned.
UNWIND $rows AS row
WITH {i: row[0], member_id: row[1], platform: row[2], account_id: row[3]} AS r
MATCH (m:Member {id: r.member_id})
MERGE (a:Account {platform: r.platform, id: r.account_id})
ON CREATE SET a.load_id = $load_id
WITH r, m, a
OPTIONAL MATCH (m)-[old:HAS_ACCOUNT]->(a)
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (m)-[:HAS_ACCOUNT {load_id: $load_id}]->(a))
RETURN r.i AS i, old IS NULL AS created
