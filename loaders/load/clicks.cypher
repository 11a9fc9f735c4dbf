// Clicks are events: one edge per (viewer, share, at), so a repeat click at another time
// is a click of its own and the same click given twice (in any file, in any order) is
// one. Rows whose viewer or share is missing are not placed.
UNWIND $rows AS row
WITH row[0] AS i, row[1] AS viewer_id, row[2] AS share_id, row[3] AS at
MATCH (v:Member {id: viewer_id})
MATCH (s:Share {id: share_id})
OPTIONAL MATCH (v)-[old:CLICKED]->(s)
WHERE old.at = at
WITH i, at, v, s, count(old) = 0 AS new
FOREACH (_ IN CASE WHEN new THEN [1] ELSE [] END |
  CREATE (v)-[:CLICKED {at: at, load_id: $load_id}]->(s))
// One answer row (see write._placed): the rows placed (null: all) and the rows
// created (null: every row placed).
WITH collect(i) AS placed, collect(CASE WHEN new THEN i END) AS created
RETURN CASE WHEN size(placed) = size($rows) THEN null ELSE placed END AS placed,
       CASE WHEN size(created) = size(placed) THEN null ELSE created END AS created
