// The largest internal node id, so the analytic snapshot can read the node tables in
// ranges of internal ids (snapshot/members, snapshot/shares, snapshot/purchases).
MATCH (n)
RETURN max(id(n)) AS last
