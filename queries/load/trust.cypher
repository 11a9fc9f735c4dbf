// Directed trust edges, one per (src, dst). Rows with a missing member are not returned.
UNWIND $rows AS row
WITH {i: row[0], src_id: row[1], dst_id: row[2], weight: row[3], since: row[4],
      source: row[5]} AS r
MATCH (a:Member {id: r.src_id})
MATCH (b:Member {id: r.dst_id})
OPTIONAL MATCH (a)-[old:TRUSTS]->(b)
WITH r, a, b, old
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (a)-[:TRUSTS {weight: r.weight, since: r.since, source: r.source, load_id: $load_id}]->(b))
RETURN r.i AS i, old IS NULL AS created
