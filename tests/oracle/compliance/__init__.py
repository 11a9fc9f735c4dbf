"""The compliance report as Cypher aggregations and a Python forest: the oracle.

This is how ``refnet.queries.compliance`` answered before the analytic snapshot: flat
pulls of members and referrals build a Python ``Forest`` as of the window's end, and
promoter_sales, member_pairs and buyers aggregate purchases. The product now reads
the snapshot's columns; ``tests/integration/test_compliance_snapshot.py`` holds every
number and flag of its report equal to this one's.
"""

from .report import report

__all__ = ["report"]
