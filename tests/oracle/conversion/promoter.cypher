// Whether a member exists (a question restricted to one promoter names it).
MATCH (m:Member {id: $id})
RETURN m.id AS id, m.joined_at AS joined_at
