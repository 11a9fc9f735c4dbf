"""``refnet serve`` as the tests and the API benchmark run it: a real gunicorn on a free
loopback port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

from refnet.graph.config import Config

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(config: Config, *serve_args: str, workers: int = 1, threads: int = 4,
            ready_within_s: float = 30) -> Iterator[str]:
    """Serve the API for ``config``'s store and data dir until the block ends; yields the
    base URL. The backend and its address reach the server as its environment, as an
    operator's would."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFNET_", "NEO4J_"))}
    env |= config.as_env()
    # The server logs a line per request: a file, not a pipe that fills and blocks it.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "refnet.api.cli", "serve",
             "--port", str(port), "--workers", str(workers), "--threads", str(threads),
             *serve_args],
            env=env, stdout=subprocess.DEVNULL, stderr=log, cwd=REPO,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(url, proc, ready_within_s)
        except RuntimeError:
            log.seek(0)
            raise RuntimeError(f"refnet serve did not come up: "
                               f"{log.read().decode(errors='replace')[-4000:]}") from None
        try:
            yield url
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)


def _wait_ready(url: str, proc: subprocess.Popen, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while True:
        try:
            if requests.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or busy starting
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise RuntimeError("not ready")
        time.sleep(0.2)
