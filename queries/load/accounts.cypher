// Platform accounts and who owns them. Rows whose member is missing are not returned.
UNWIND $rows AS row
WITH row[0] AS i, row[1] AS member_id, row[2] AS platform, row[3] AS account_id
MATCH (m:Member {id: member_id})
MERGE (a:Account {platform: platform, id: account_id})
ON CREATE SET a.load_id = $load_id
WITH i, m, a
OPTIONAL MATCH (m)-[old:HAS_ACCOUNT]->(a)
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (m)-[:HAS_ACCOUNT {load_id: $load_id}]->(a))
RETURN i, old IS NULL AS created
