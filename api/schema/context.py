"""What every resolver gets as ``info.context``.

Its own module so that every schema module can name it without importing another
schema module (``api.loads`` once reached back into the schema package for it: a
cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refnet.graph.config import Config
from refnet.graph.store import GraphStore

from ..keys import ApiKey
from ..scope import Scope

__all__ = ["Context"]


@dataclass
class Context:
    """What every resolver gets as ``info.context``: the store, the caller, and the
    members this request has read (so a page's referrers cost one query, not one each).
    ``config`` and ``import_dir`` are what ``startLoad`` needs to start a load."""

    store: GraphStore
    key: ApiKey
    scope: Scope
    config: Config | None = None
    import_dir: Path | None = None
    # id -> api.schema.members.Member; typed loosely so this module imports no type
    members: dict[str, Any] = field(default_factory=dict)
