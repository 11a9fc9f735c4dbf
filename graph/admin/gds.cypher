// Whether the Graph Data Science library is installed (its gds.version function is
// registered), for `refnet db status`. Neo4j only, like admin/components.
SHOW FUNCTIONS YIELD name
WHERE name = 'gds.version'
RETURN count(*) > 0 AS installed
