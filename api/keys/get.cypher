// One API key by its public id, revoked or not (the caller decides what revoked means).
MATCH (k:ApiKey {id: $id})
RETURN k.id AS id, k.hash AS hash, k.role AS role, k.member_id AS member_id, k.name AS name,
       k.created_at AS created_at, k.revoked_at AS revoked_at
