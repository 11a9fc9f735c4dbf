// Store a new API key: its public id, the hash of its secret (never the secret),
// its role and, for an organizer, the member whose downline it may see.
CREATE (k:ApiKey {id: $id, hash: $hash, role: $role, member_id: $member_id, name: $name,
                  created_at: $created_at})
RETURN k.id AS id
