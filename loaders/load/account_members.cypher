// Which member owns each platform account (null when no member claims it).
UNWIND $keys AS k
OPTIONAL MATCH (m:Member)-[:HAS_ACCOUNT]->(a:Account {platform: k.platform, id: k.account})
RETURN k.platform AS platform, k.account AS account, m.id AS member
