"""refnet: graph analytics for social e-commerce referral networks.

The code lives in four packages: ``refnet.graph`` (the store), ``refnet.loaders``
(ingest and synthetic data), ``refnet.queries`` (the questions) and ``refnet.api``
(the command line and the GraphQL service).
"""

__version__ = "0.1.0"
