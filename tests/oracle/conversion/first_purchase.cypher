// Time from joining to first purchase over the members who joined by $as_of (stubs made
// for unclaimed accounts and members without a join time are left out). A member's
// first purchase is their earliest paid or settled one at or before as_of; one made
// before they joined is counted apart and left out of the waits. Quartiles of the wait
// in ms (linear interpolation, as numpy.percentile). $members (a list, or null) keeps
// only those members (one organizer's downline).
MATCH (m:Member)
WHERE m.joined_at <= $as_of AND coalesce(m.status, '') <> 'stub'
  AND ($members IS NULL OR m.id IN $members)
OPTIONAL MATCH (m)-[:MADE]->(o:Purchase)
WHERE o.at <= $as_of AND o.status IN ['paid', 'settled']
WITH m, min(o.at) AS first
WITH count(m) AS members,
     sum(CASE WHEN first < m.joined_at THEN 1 ELSE 0 END) AS before_joining,
     collect(CASE WHEN first >= m.joined_at THEN first - m.joined_at END) AS waits
UNWIND CASE WHEN size(waits) = 0 THEN [null] ELSE waits END AS wait
RETURN members, before_joining, count(wait) AS bought_after_joining,
       percentileCont(wait, 0.25) AS q1, percentileCont(wait, 0.5) AS median,
       percentileCont(wait, 0.75) AS q3
