// Conversion funnel, step 2: clicks in the window (since < c.at <= as_of) on any of the
// promoters' shares, whenever the share was made, and the distinct members who clicked.
// $group: 'all', 'promoter' or 'channel'; $promoters (or null) keeps those promoters'.
MATCH (p:Member)-[:SHARED]->(s:Share)<-[c:CLICKED]-(v:Member)
WHERE $since < c.at AND c.at <= $as_of
  AND ($promoters IS NULL OR p.id IN $promoters)
WITH c, v, CASE $group
  WHEN 'promoter' THEN p.id
  WHEN 'channel' THEN s.channel
  ELSE 'all' END AS key
RETURN key, count(c) AS clicks, count(DISTINCT v) AS clickers
