// Network totals for the summary: members, roots (members with no referrer),
// organizations (roots with at least one recruit), edges and events, and GMV and
// commission of paid or settled purchases (minor units).
MATCH (m:Member)
WITH count(m) AS members
OPTIONAL MATCH (r:Member) WHERE NOT ()-[:REFERRED]->(r)
WITH members, count(r) AS roots
OPTIONAL MATCH (o:Member)-[:REFERRED]->() WHERE NOT ()-[:REFERRED]->(o)
WITH members, roots, count(DISTINCT o) AS organizations
OPTIONAL MATCH ()-[t:TRUSTS]->()
WITH members, roots, organizations, count(t) AS trust_edges
OPTIONAL MATCH (s:Share)
WITH members, roots, organizations, trust_edges, count(s) AS shares
OPTIONAL MATCH ()-[c:CLICKED]->()
WITH members, roots, organizations, trust_edges, shares, count(c) AS clicks
OPTIONAL MATCH (p:Purchase)
WITH members, roots, organizations, trust_edges, shares, clicks, count(p) AS purchases,
     sum(CASE WHEN p.status IN ['paid', 'settled'] THEN p.amount ELSE 0 END) AS gmv,
     sum(CASE WHEN p.status IN ['paid', 'settled'] THEN coalesce(p.commission, 0) ELSE 0 END)
       AS commission
RETURN members, roots, organizations, trust_edges, shares, clicks, purchases,
       toInteger(gmv) AS gmv, toInteger(commission) AS commission
