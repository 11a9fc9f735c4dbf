// Revoke a key: it stays listed, with the time it stopped working. Revoking twice
// keeps the first time.
MATCH (k:ApiKey {id: $id})
SET k.revoked_at = coalesce(k.revoked_at, $at)
RETURN k.id AS id, k.role AS role, k.member_id AS member_id, k.name AS name,
       k.created_at AS created_at, k.revoked_at AS revoked_at
