// Directed trust edges, one per (src, dst). Rows with a missing member are not returned.
UNWIND $rows AS row
WITH row[0] AS i, row[1] AS src_id, row[2] AS dst_id, row[3] AS weight, row[4] AS since,
     row[5] AS source
MATCH (a:Member {id: src_id})
MATCH (b:Member {id: dst_id})
OPTIONAL MATCH (a)-[old:TRUSTS]->(b)
WITH i, weight, since, source, a, b, old
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (a)-[:TRUSTS {weight: weight, since: since, source: source, load_id: $load_id}]->(b))
RETURN i, old IS NULL AS created
