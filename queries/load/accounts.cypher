// Platform accounts and who owns them; orders attribute to members through these.
UNWIND $rows AS r
MATCH (m:Member {id: r.member_id})
MERGE (a:Account {platform: r.platform, id: r.account_id})
ON CREATE SET a.load_id = $load_id
MERGE (m)-[h:HAS_ACCOUNT]->(a)
ON CREATE SET h.load_id = $load_id
