"""The newest event through Cypher (``window/latest``): the oracle of the product's
``queries.window.latest_event``, which reads it from the analytic snapshot."""

from __future__ import annotations

from refnet.graph.store import GraphStore

__all__ = ["latest_event"]


def latest_event(store: GraphStore) -> int | None:
    """The newest time the graph holds (a join, share, click or purchase); None if empty.
    A scan of every member, share, click and purchase: seconds at 100,000 members."""
    value = store.run("window/latest").scalar()
    return int(value) if value is not None else None
