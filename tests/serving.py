"""``refnet serve`` as the tests run it: a real gunicorn on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(data_dir: Path, *serve_args: str) -> Iterator[str]:
    """Serve the API for ``data_dir`` until the block ends; yields the base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFNET_", "NEO4J_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "refnet.api.cli", "--data-dir", str(data_dir), "serve",
         "--port", str(port), "--workers", "1", "--threads", "4", *serve_args],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{url}/readyz", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"refnet serve did not come up: {proc.stderr.read().decode()}")
        time.sleep(0.2)
    try:
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
