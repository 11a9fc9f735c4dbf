"""``refnet serve``: the API under gunicorn, a production WSGI server.

Each worker builds its own app (and so its own store connection) after the fork;
the embedded server, when that is the backend, is started once by the master before
any worker exists and stopped when the master exits, if it was the one that started it.

Workers are gevent's by default: a connection is a greenlet, not a thread, so clients
that send their body slowly (or never) hold a few KB each instead of a worker's
threads. With gunicorn's ``gthread`` workers 20 such clients (``Content-Length:
1000000000``, 27 bytes sent) left every other request waiting past 30 s; with gevent
the next request is answered in milliseconds (``bench/hostile_bodies.py``). A body
still has ``api.body``'s cap and time limit; ``--worker-class gthread`` is kept for
a deployment that puts a buffering reverse proxy in front instead.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from refnet.graph.config import Config
from refnet.graph.server import EmbeddedServer

from .app import create_app

__all__ = ["WORKER_CLASSES", "serve"]


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


WORKER_CLASSES = ("gevent", "gthread")
CONNECTIONS = 1_000  # open connections per gevent worker (idle or slow ones included)


def serve(config: Config, *, host: str, port: int, workers: int, threads: int,
          production: bool, import_dir: Path | None = None, timeout_s: int = 60,
          worker_class: str = "gevent") -> None:
    """Run until stopped (Ctrl-C or SIGTERM); blocks. ``threads`` is for ``gthread``
    workers; a gevent worker serves up to ``CONNECTIONS`` at once."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    started = None
    if config.backend == "embedded":
        server = EmbeddedServer(config)
        _, did_start = server.ensure()
        started = server if did_start else None
    try:
        _Server(config, production, import_dir, {
            "bind": f"{host}:{port}", "workers": workers, "worker_class": worker_class,
            **({"threads": threads} if worker_class == "gthread" else
               {"worker_connections": CONNECTIONS}),
            "timeout": timeout_s, "graceful_timeout": 30, "accesslog": None,
            "proc_name": "refnet-api",
        }).run()
    finally:
        if started is not None:
            started.stop()
