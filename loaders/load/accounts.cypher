// Platform accounts and who owns them. Rows whose member is missing are not placed.
UNWIND $rows AS row
WITH row[0] AS i, row[1] AS member_id, row[2] AS platform, row[3] AS account_id
MATCH (m:Member {id: member_id})
MERGE (a:Account {platform: platform, id: account_id})
ON CREATE SET a.load_id = $load_id
WITH i, m, a
OPTIONAL MATCH (m)-[old:HAS_ACCOUNT]->(a)
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (m)-[:HAS_ACCOUNT {load_id: $load_id}]->(a))
// One answer row (see write._placed): the rows placed (null: all) and the rows
// created (null: every row placed).
WITH collect(i) AS placed, collect(CASE WHEN old IS NULL THEN i END) AS created
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       CASE WHEN size(created) = size(placed) THEN null ELSE created END AS created
