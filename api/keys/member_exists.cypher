// Whether a member exists (an organizer key must be bound to a real member).
OPTIONAL MATCH (m:Member {id: $id})
RETURN m IS NOT NULL AS found
