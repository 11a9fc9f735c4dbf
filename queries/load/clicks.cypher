// Clicks: one edge per (viewer, share), keeping the first click's time. Rows whose
// viewer or share is missing are not returned.
UNWIND $rows AS row
WITH {i: row[0], viewer_id: row[1], share_id: row[2], at: row[3]} AS r
MATCH (v:Member {id: r.viewer_id})
MATCH (s:Share {id: r.share_id})
OPTIONAL MATCH (v)-[old:CLICKED]->(s)
WITH r, v, s, old
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (v)-[:CLICKED {at: r.at, load_id: $load_id}]->(s))
RETURN r.i AS i, old IS NULL AS created
