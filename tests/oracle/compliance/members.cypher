// Compliance: every member who had joined by $as_of (a member with no join time, such
// as a stub made for an unclaimed account, counts as always there). With
// compliance/referrals, Python builds the referral trees as of that instant: downline
// sizes, depths, recruitment velocity and the chains used as evidence.
MATCH (m:Member)
WHERE coalesce(m.joined_at, 0) <= $as_of
RETURN m.id AS id, m.joined_at AS joined_at
