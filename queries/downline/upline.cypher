// The chain from a member up to its organization's root, member first. Anchored on
// the member (an index lookup), walking referrals backwards.
MATCH path = (m:Member {id: $id})<-[:REFERRED*0..]-(root:Member)
WHERE NOT ()-[:REFERRED]->(root)
RETURN [n IN nodes(path) | n.id] AS chain
