// The members of the trust projection as of $as_of: everyone who had joined by then.
// A member with no join time (a stub made from an order) counts as present.
MATCH (m:Member)
WHERE m.joined_at IS NULL OR m.joined_at <= $as_of
RETURN m.id AS id
ORDER BY id
