// The smallest and the largest internal node id, so the analytic snapshot can read the
// tables in ranges of internal ids between them (snapshot/members, snapshot/shares,
// snapshot/purchases, and the edges by their start node). Not from 0: a store that
// deleted many nodes (Neo4j keeps counting) would read thousands of empty ranges.
MATCH (n)
RETURN min(id(n)) AS first, max(id(n)) AS last
