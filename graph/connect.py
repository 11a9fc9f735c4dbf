"""Open the configured store: the one place that knows every backend."""

from __future__ import annotations

from .config import Config
from .falkordb_store import FalkorDBStore
from .server import EmbeddedServer
from .store import GraphStore

__all__ = ["open_store"]


def open_store(config: Config | None = None) -> GraphStore:
    """Connect to the configured backend; the embedded server is started if needed.

    A server this call started is stopped again by ``close()``; one started with
    ``refnet db start`` keeps running.
    """
    config = config or Config.from_env()
    if config.backend == "neo4j":
        from .neo4j_store import Neo4jStore  # the driver loads only when it is used

        return Neo4jStore(config)
    server = EmbeddedServer(config)
    info, started = server.ensure()
    return FalkorDBStore(config, info.socket, owned_server=server if started else None)
