// Every API key, oldest first, without the hashes.
MATCH (k:ApiKey)
RETURN k.id AS id, k.role AS role, k.member_id AS member_id, k.name AS name,
       k.created_at AS created_at, k.revoked_at AS revoked_at
ORDER BY created_at, id
