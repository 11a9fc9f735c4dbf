"""The conversion question's Cypher oracle (see ``funnel``)."""

from .funnel import ask, first_purchase, funnel, split

__all__ = ["ask", "first_purchase", "funnel", "split"]
