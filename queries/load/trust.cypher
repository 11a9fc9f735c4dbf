// Directed trust edges, one per (src, dst).
UNWIND $rows AS r
MATCH (a:Member {id: r.src_id})
MATCH (b:Member {id: r.dst_id})
MERGE (a)-[t:TRUSTS]->(b)
ON CREATE SET t.weight = r.weight, t.since = r.since, t.source = r.source, t.load_id = $load_id
