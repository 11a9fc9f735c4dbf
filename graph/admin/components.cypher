// What a Neo4j server is, for `refnet db status`: its kernel's version and edition.
// Neo4j only: the embedded store answers from redis INFO (FalkorDB has no dbms.*).
CALL dbms.components() YIELD name, versions, edition
WHERE name = 'Neo4j Kernel'
RETURN versions[0] AS version, edition
