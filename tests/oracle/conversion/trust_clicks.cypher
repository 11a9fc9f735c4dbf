// Conversion funnel by trust, step 1: clicks in the window (as conversion/clicks) by the
// trust bucket of the viewer's TRUSTS edge to the promoter as it stood when they clicked
// (an edge whose `since` is not before the click, such as a tie their own purchase
// created, does not count): 'none' (no edge, or weight 0), 'q1' (0, 0.25], 'q2'
// (0.25, 0.5], 'q3' (0.5, 0.75], 'q4' (0.75, 1]; a promoter clicking their own share is
// 'self'. There is no shares step: a share has no trust bucket.
MATCH (p:Member)-[:SHARED]->(:Share)<-[c:CLICKED]-(v:Member)
WHERE $since < c.at AND c.at <= $as_of
  AND ($promoters IS NULL OR p.id IN $promoters)
OPTIONAL MATCH (v)-[t:TRUSTS]->(p)
WHERE t.since IS NULL OR t.since < c.at
WITH c, v, CASE
  WHEN v = p THEN 'self'
  WHEN t IS NULL OR t.weight <= 0 THEN 'none'
  WHEN t.weight <= 0.25 THEN 'q1'
  WHEN t.weight <= 0.5 THEN 'q2'
  WHEN t.weight <= 0.75 THEN 'q3'
  ELSE 'q4' END AS key
RETURN key, count(c) AS clicks, count(DISTINCT v) AS clickers
