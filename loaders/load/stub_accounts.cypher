// A stub member for each account no member claims, so orders through it still
// attribute somewhere; the load report lists them. Its id is platform:account.
UNWIND $keys AS k
MERGE (m:Member {id: k.member})
ON CREATE SET m.status = 'stub', m.platform = k.platform, m.load_id = $load_id
MERGE (a:Account {platform: k.platform, id: k.account})
ON CREATE SET a.load_id = $load_id
MERGE (m)-[e:HAS_ACCOUNT]->(a)
ON CREATE SET e.load_id = $load_id
