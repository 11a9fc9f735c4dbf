// Downline health, aggregated per (level, branch): level 0 is the root itself, level k
// is k referrals below it; the branch is the root's child the member descends from
// (null for the root). Python adds the groups up into the levels table, the branches
// table and the totals, so the tree is walked once.
//
// As of $as_of: a referral made after it (and so everyone recruited through it) is
// not there yet; a referral or join with no time is taken as always there. Only paid
// and settled purchases count. Per member:
//   active       bought (MADE) or sold (ATTRIBUTED_TO) in the window ($since, $as_of]
//   active_prev  the same in the previous window ($prev_since, $since]
//   churned      active_prev and not active
//   ever_bought  bought anything up to $as_of
//   gmv          amount of purchases attributed to the member in the window (sold)
//   bought_gmv   amount of the member's own purchases in the window
// The variable-length match is anchored on a MATCHed root (FalkorDB issue 2561); the
// depth cut is a WHERE on the path length because FalkorDB refuses a parameter as a
// variable-length bound.
MATCH (root:Member {id: $root})
MATCH p = (root)-[:REFERRED*0..]->(m:Member)
WHERE ($max_depth IS NULL OR length(p) <= $max_depth)
  AND all(r IN relationships(p) WHERE r.at IS NULL OR r.at <= $as_of)
WITH m, length(p) AS level,
     CASE WHEN length(p) = 0 THEN null ELSE nodes(p)[1].id END AS branch
WITH m, level, branch,
     [(m)-[:MADE]->(b:Purchase)
        WHERE b.status IN ['paid', 'settled'] AND b.at <= $as_of | b] AS bought,
     [(m)<-[:ATTRIBUTED_TO]-(x:Purchase)-[:OF]->(pr:Product)
        WHERE x.status IN ['paid', 'settled'] AND x.at > $prev_since AND x.at <= $as_of
        | {at: x.at, amount: x.amount, commission: coalesce(x.commission, 0),
           entry: coalesce(pr.entry_package, false)}] AS sold
WITH m, level, branch, size(bought) > 0 AS ever_bought,
     [b IN bought WHERE b.at > $since] AS bought_now,
     size([b IN bought WHERE b.at > $prev_since AND b.at <= $since]) > 0 AS bought_prev,
     [x IN sold WHERE x.at > $since] AS sold_now,
     [x IN sold WHERE x.at <= $since] AS sold_prev
WITH m, level, branch, ever_bought, bought_now, sold_now, sold_prev,
     size(bought_now) > 0 OR size(sold_now) > 0 AS active,
     bought_prev OR size(sold_prev) > 0 AS active_prev
RETURN level, branch,
       count(m) AS members,
       sum(CASE WHEN active THEN 1 ELSE 0 END) AS active,
       sum(CASE WHEN ever_bought THEN 0 ELSE 1 END) AS never_bought,
       sum(CASE WHEN m.joined_at > $since AND m.joined_at <= $as_of THEN 1 ELSE 0 END)
         AS new_recruits,
       sum(CASE WHEN m.joined_at > $prev_since AND m.joined_at <= $since THEN 1 ELSE 0 END)
         AS new_recruits_prev,
       sum(CASE WHEN active_prev AND NOT active THEN 1 ELSE 0 END) AS churned,
       sum(size(sold_now)) AS orders,
       sum(reduce(t = 0, x IN sold_now | t + x.amount)) AS gmv,
       sum(reduce(t = 0, x IN sold_now | t + x.commission)) AS commission,
       sum(reduce(t = 0, x IN sold_now | t + CASE WHEN x.entry THEN x.amount ELSE 0 END))
         AS entry_gmv,
       sum(reduce(t = 0, x IN sold_prev | t + x.amount)) AS gmv_prev,
       sum(reduce(t = 0, b IN bought_now | t + b.amount)) AS bought_gmv
ORDER BY level, branch
