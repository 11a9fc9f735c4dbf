// Conversion funnel, step 1: shares made in the window (since < s.at <= as_of), grouped
// by $group: 'all' (one row), 'promoter' (the sharer's id) or 'channel' (the share's
// channel, null when the export has none). $promoters (or null) keeps those promoters'.
MATCH (p:Member)-[:SHARED]->(s:Share)
WHERE $since < s.at AND s.at <= $as_of
  AND ($promoters IS NULL OR p.id IN $promoters)
WITH s, CASE $group
  WHEN 'promoter' THEN p.id
  WHEN 'channel' THEN s.channel
  ELSE 'all' END AS key
RETURN key, count(s) AS shares
