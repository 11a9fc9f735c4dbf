// The smallest and the largest internal node id, so the analytic snapshot can read the
// tables in ranges of internal ids between them (snapshot/members, snapshot/shares,
// snapshot/purchases, and the edges by their start node). Not from 0: a store that
// deleted many nodes (Neo4j keeps counting) would read thousands of empty ranges.
// Neo4j 5 deprecates id() for elementId(), whose strings have no order to range over:
// id() still runs there (tests/neo4j runs every snapshot read on 5.26) and is the only
// range scan both stores have, so refnet keeps it until Neo4j removes it.
MATCH (n)
RETURN min(id(n)) AS first, max(id(n)) AS last
