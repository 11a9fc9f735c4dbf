// The newest time the graph holds: a member joining, a share, a click or a purchase.
// Questions answer "as of" this instant when the caller names none.
OPTIONAL MATCH (m:Member)
WITH max(m.joined_at) AS joined
OPTIONAL MATCH (s:Share)
WITH joined, max(s.at) AS shared
OPTIONAL MATCH ()-[c:CLICKED]->()
WITH joined, shared, max(c.at) AS clicked
OPTIONAL MATCH (p:Purchase)
WITH joined, shared, clicked, max(p.at) AS bought
UNWIND [joined, shared, clicked, bought] AS t
RETURN max(t) AS latest
