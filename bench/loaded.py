"""The network every benchmark runs on: generated, served and loaded the same way.

``loaded_network(members, prefix)`` writes the synthetic network for the default seed,
starts an embedded server for a fresh data dir, loads the files and yields
``(config, files, data)``; the server stops when the block ends, whatever happened.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.server import EmbeddedServer
from refnet.loaders import load, privacy, synthetic

__all__ = ["loaded_network"]


@contextmanager
def loaded_network(members: int, prefix: str) -> Iterator[tuple[Config, Path, Path]]:
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        files, data = Path(tmp) / "files", Path(tmp) / "data"
        synthetic.generate(members, files, synthetic.DEFAULT_SEED)
        config = Config.from_env(env={}, data_dir=data)
        server = EmbeddedServer(config)
        server.start()
        try:
            with open_store(config) as store:
                load.load_paths(store, [files], hasher=privacy.keyed_hasher(b"bench"))
            yield config, files, data
        finally:
            server.stop()
