// The upline of a member as of $as_of (null: everything stored): the chain of
// referrers from its root down to the member, root first. A referral made after
// $as_of is not there yet, so the chain stops below it. Anchored on the member (an
// index lookup), walking referrals backwards; the longest path is the whole chain.
MATCH path = (m:Member {id: $id})<-[:REFERRED*0..]-(top:Member)
WHERE all(r IN relationships(path) WHERE $as_of IS NULL OR r.at IS NULL OR r.at <= $as_of)
WITH path
ORDER BY length(path) DESC
LIMIT 1
RETURN [n IN reverse(nodes(path)) | n.id] AS ids,
       [n IN reverse(nodes(path)) | n.joined_at] AS joined,
       [n IN reverse(nodes(path)) | n.status] AS statuses,
       [n IN reverse(nodes(path)) | n.tier] AS tiers
