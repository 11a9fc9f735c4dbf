"""Conversion: shares → clicks → purchases, per promoter and split by trust, level, channel.

The source material's claim is that trust drives conversion, so conversion, not
coverage, drives income; this question measures both so the claim can be checked on a
network's own data. Definitions (every count is over the window ``since < t <= as_of``):

* **shares**: Share nodes made in the window.
* **clicks**: CLICKED edges in the window on the promoters' shares, whenever the share
  was made; a click is an event, so a member's repeat clicks on a share each count;
  **clickers**: the distinct members among them.
* **purchases**: paid or settled purchases in the window that came VIA one of the
  promoters' shares (the funnel follows the share, whoever the order is attributed to);
  **buyers**: the distinct members who made them; **outside orders**: those with no buyer
  (a non-member, whose click the export cannot record). GMV and commission are theirs.
* **converted**: purchases whose buyer clicked that same share at or before buying (a
  purchase counts once, however many clicks came before it);
  **converting clickers**: the distinct members among their buyers.
* **click-through** = clicks / shares. Social e-commerce has no impressions (a share
  into a WeChat group is seen by an unknown number of people), so this is clicks per
  share, not a CTR over views.
* **conversion** = converted / clicks and **clicker conversion** = converting clickers /
  clickers. Outside orders and self-purchases have no click, so they are not counted as
  conversions (a rate with them could pass 100%); they stay in purchases and GMV.
* Rates are None when the denominator is 0.

Splits: **trust** buckets a click by the weight of the viewer's TRUSTS edge to the
promoter as it stood at the click (``since`` before it): none (no edge or weight 0),
(0, 0.25], (0.25, 0.5], (0.5, 0.75], (0.75, 1], plus *self* (the promoter) and
*outside* (no buyer). A tie formed after the click, such as the one a purchase creates,
is ignored: counting it would make purchases look like the effect of trust they caused.
**level** is the promoter's depth in its referral tree as of ``as_of`` (root = 0);
**channel** is the share's channel. Purchases through no share (orders by buyers locked
to a promoter, entry packages) are outside the funnel; the report totals them apart.

**Time to first purchase**: per member who joined by ``as_of`` (no stubs), their first
paid or settled purchase at or before ``as_of`` minus ``joined_at``, in days; for one
promoter, over the members they recruited. A first purchase before joining (a customer
recruited later) is counted apart, not as a negative wait.

**Coverage vs conversion**: promoters with at least ``min_clicks`` clicks (default 20,
so that 1 purchase from 1 click does not top the list) ranked by reach (clickers) and by
conversion side by side, with each measure's Spearman correlation with the promoters'
share GMV.

**Where it is counted**: every answer (``ask``, ``funnel``, ``split``,
``first_purchase``) reads the analytic snapshot of the store's current data version
(``queries.snapshot``) and names it (``data_version``); ``columns`` counts the window's
shares, clicks and purchases as numpy masks and ``bincount`` per group code, and
``funnel`` turns the counters into funnels (only the listed promoters become objects).
A team is a mask over the root's preorder slice with the same as-of cut as
``downline.team``; a promoter is checked against the same snapshot, so the check and the
counts cannot come from two data versions. A level follows the snapshot's referral
forest (the earliest referral of a member with several). The Cypher steps it replaced
are the oracle under ``tests/oracle/conversion``, held equal by property tests.
"""

from refnet.queries.params import MAX_TOP

from .funnel import (
    NO_CHANNEL,
    TRUST_BUCKETS,
    ask,
    coverage_vs_conversion,
    first_purchase,
    first_purchase_from,
    funnel,
    funnel_from,
    split,
    split_from,
)
from .params import DEFAULT_TOP, GROUPS, MIN_CLICKS, ConversionParams
from .results import ConversionReport, CoverageVsConversion, FirstPurchase, Funnel, Ranked

__all__ = [
    "DEFAULT_TOP", "GROUPS", "MAX_TOP", "MIN_CLICKS", "NO_CHANNEL", "TRUST_BUCKETS",
    "ConversionParams", "ConversionReport", "CoverageVsConversion", "FirstPurchase", "Funnel",
    "Ranked", "ask", "coverage_vs_conversion", "first_purchase", "first_purchase_from",
    "funnel", "funnel_from", "split", "split_from",
]
