"""``refnet serve``: the API under gunicorn, a production WSGI server.

Each worker builds its own app (and so its own store connection) after the fork;
the embedded server, when that is the backend, is started once by the master before
any worker exists and stopped when the master exits, if it was the one that started it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from refnet.graph.config import Config
from refnet.graph.server import EmbeddedServer

from .app import create_app

__all__ = ["serve"]


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, config: Config, production: bool, import_dir: Path | None,
                 options: dict[str, Any]) -> None:
        self.refnet_config, self.production, self.options = config, production, options
        self.import_dir = import_dir
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app(self.refnet_config, production=self.production,
                          import_dir=self.import_dir)


def serve(config: Config, *, host: str, port: int, workers: int, threads: int,
          production: bool, import_dir: Path | None = None, timeout_s: int = 60) -> None:
    """Run until stopped (Ctrl-C or SIGTERM); blocks."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    started = None
    if config.backend == "embedded":
        server = EmbeddedServer(config)
        _, did_start = server.ensure()
        started = server if did_start else None
    try:
        _Server(config, production, import_dir, {
            "bind": f"{host}:{port}", "workers": workers, "threads": threads,
            "timeout": timeout_s, "graceful_timeout": 30, "accesslog": None,
            "proc_name": "refnet-api",
        }).run()
    finally:
        if started is not None:
            started.stop()
