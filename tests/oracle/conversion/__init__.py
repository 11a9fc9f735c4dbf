"""The conversion question's Cypher oracle (see ``funnel``)."""

from .funnel import first_purchase, funnel, split

__all__ = ["first_purchase", "funnel", "split"]
