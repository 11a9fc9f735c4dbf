"""Downline health: is an organizer's team growing, active, buying, or hollow?

``health(store, root_id, window)`` answers for the downline of any member (the
"root" of the question, not necessarily an organization's root):

* **Levels.** Level 0 is the root itself, level k the members k referrals below it.
  The *downline* is levels 1 and deeper: ``size`` and ``totals`` exclude the root,
  the levels table includes it as level 0 so its own activity is visible. ``depth``
  is the deepest level reached (0 when the root recruited nobody).
* **As of.** Nothing after ``window.as_of`` exists: members who joined later, and the
  referrals that brought them (so their recruits too), purchases after it. A referral
  or join with no recorded time is taken as always there.
* **Active** = bought (``MADE`` a paid or settled purchase) or sold (a paid or settled
  purchase ``ATTRIBUTED_TO`` them) in the window ``since < t <= as_of``; *inactive* =
  the rest. **Never bought** = no paid or settled purchase as buyer up to ``as_of``
  (a refunded or invalid order is not a purchase). **Churned** = active in
  ``window.previous()`` and not in the window. **New recruits** = joined in the window.
* **GMV** of a level or branch is what its members *sold*: paid and settled purchases
  attributed to them in the window, the team's sales volume, which is what organizers
  mean by it; each purchase counts once, at its promoter. ``commission`` is the
  commission on those purchases; ``entry_gmv`` the part from entry packages (a team
  whose volume is entry packages is recruiting, not retailing); ``bought_gmv`` what
  the members bought themselves (an outside buyer's purchase is in ``gmv`` only);
  ``gmv_prev`` the sold GMV of the previous window, for the trend.
* **Branches** are the root's children, each with its whole subtree (down to the
  depth cut). A branch is *dead* when it sold nothing in the window (its members may
  still have bought, through promoters elsewhere). ``Concentration`` is over every
  branch's GMV, dead ones included: the top-1 and top-3 branches' share of the
  downline's GMV and the Gini coefficient (see ``gini``). The root's own sales are in
  level 0, not in the downline's GMV, so branch shares add up to 1.
* **Recruits per member** counts each downline member's direct recruits as of
  ``as_of``, in buckets 0, 1, 2-4, 5-9, 10-49, 50+; a member at the depth cut still
  counts the recruits below it, since the cut limits what is shown, not what happened.

``upline(store, member_id, as_of)`` is the chain of referrers from the member's root
down to the member, root first (the order compliance evidence paths use).

Every answer reads the analytic snapshot (``queries.snapshot``; ``columns``): numpy
masks over the root's preorder slice. ``health`` takes ~15 ms on the 20,000-member
demo's largest tree where the Cypher walks it replaced took ~0.5 s; those walks stay
in the tests as the oracle (``tests/oracle/downline``), and tests/integration/
test_snapshot.py holds the two equal field for field on random networks. ``team``
(the scope of influence and conversion) reads the same slice with the same as-of cut;
``upline`` walks the parent column.
"""

from refnet.queries.params import MAX_TOP
from refnet.queries.stats import gini

from .assemble import RECRUIT_BUCKETS
from .columns import (
    ask,
    ask_upline,
    health,
    health_from,
    team,
    team_from,
    team_slice,
    upline,
    upline_from,
)
from .params import MAX_DEPTH, DownlineParams, UplineParams
from .results import (
    Activity,
    Branch,
    Concentration,
    DownlineHealth,
    Level,
    RecruitBucket,
    Recruiter,
    Recruits,
    Upline,
    UplineMember,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_TOP",
    "RECRUIT_BUCKETS",
    "Activity",
    "Branch",
    "Concentration",
    "DownlineHealth",
    "DownlineParams",
    "Level",
    "RecruitBucket",
    "Recruiter",
    "Recruits",
    "Upline",
    "UplineMember",
    "UplineParams",
    "ask",
    "ask_upline",
    "gini",
    "health",
    "health_from",
    "team",
    "team_from",
    "team_slice",
    "upline",
    "upline_from",
]
