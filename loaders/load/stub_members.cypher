// Stub members for ids other rows name but no member row has given yet (a buyer or
// promoter the export knows only by id). status 'stub' marks them for the report.
UNWIND $keys AS k
MERGE (m:Member {id: k})
ON CREATE SET m.status = 'stub', m.load_id = $load_id
