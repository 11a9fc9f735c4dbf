// Clicks: one edge per (viewer, share), keeping the first click's time.
UNWIND $rows AS r
MATCH (v:Member {id: r.viewer_id})
MATCH (s:Share {id: r.share_id})
MERGE (v)-[c:CLICKED]->(s)
ON CREATE SET c.at = r.at, c.load_id = $load_id
