"""Influence: who actually moves buyers through trust.

Two questions over the trust network as of the window's end (``projection``), both
answered from the analytic snapshot of the store's current data version
(``queries.snapshot``: trust edges and purchases as columns; ``*_from`` take a
snapshot, ``rank``/``seeds``/``ask`` find the current one). The Cypher reads they
replaced are the tests' oracle (``tests/oracle/influence``).

* ``rank`` — PageRank (or personalized PageRank from seed members) on ``TRUSTS``
  edges weighted by trust, each member beside the revenue they bring: attributed GMV
  in the window, the buyers it reached, and what those buyers bought in total. Seeing
  influence and revenue side by side is the point ("coverage or conversion?").
* ``seeds`` — influence maximisation: k members who, seeded, reach the most others
  under the independent cascade model, by IMM (the default, for real networks) or by
  CELF greedy with Monte-Carlo simulation (the reference, small networks only), with
  marginal gains and the expected spread's 95% confidence interval (``cascade``).

Direction. ``(a)-[:TRUSTS {weight}]->(b)`` means *a trusts b*. Rank flows to the
trusted: the PageRank edge is a -> b, so a member many people trust ranks high.
Influence flows the other way: b can move a to buy, with probability ``weight``, so
a cascade runs on the reversed edges b -> a.

PageRank is our own power iteration on the sparse matrix, step for step the one
``networkx.pagerank`` runs (weighted out-degree normalisation, dangling members'
rank redistributed by the personalization vector, convergence when the L1 change is
below ``n * tol``), so the two agree to rounding on the same graph and parameters.

Attributed GMV counts paid and settled purchases attributed to the member
(``ATTRIBUTED_TO``) in the window; ``buyers`` is the distinct member buyers,
``outside_orders`` the orders with no buyer; ``reached_gmv`` is everything those
member buyers bought in the window through anyone (a buyer a promoter reached is
worth what they spend, not only what they spent through that promoter). A promoter
buying through their own link counts as a buyer they reached.
"""

from refnet.queries.params import MAX_TOP

from .pagerank import ALPHA, pagerank
from .params import METHODS, InfluenceParams
from .ranking import ask, rank, rank_from, seeds, seeds_from
from .results import Influence, InfluenceRanking, InfluenceSeeds, RankedMember, SeedMember

__all__ = [
    "ALPHA", "MAX_TOP", "METHODS", "Influence", "InfluenceParams", "InfluenceRanking",
    "InfluenceSeeds", "RankedMember", "SeedMember", "ask", "pagerank", "rank", "rank_from",
    "seeds", "seeds_from",
]
