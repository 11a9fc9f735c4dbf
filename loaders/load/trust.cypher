// Directed trust edges, one per (src, dst). Rows with a missing member are not placed.
UNWIND $rows AS row
WITH row[0] AS i, row[1] AS src_id, row[2] AS dst_id, row[3] AS weight, row[4] AS since,
     row[5] AS source
MATCH (a:Member {id: src_id})
MATCH (b:Member {id: dst_id})
OPTIONAL MATCH (a)-[old:TRUSTS]->(b)
WITH i, weight, since, source, a, b, old
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (a)-[:TRUSTS {weight: weight, since: since, source: source, load_id: $load_id}]->(b))
// One answer row (see write._placed): the rows placed (null: all) and the rows
// created (null: every row placed).
WITH collect(i) AS placed, collect(CASE WHEN old IS NULL THEN i END) AS created
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       CASE WHEN size(created) = size(placed) THEN null ELSE created END AS created
