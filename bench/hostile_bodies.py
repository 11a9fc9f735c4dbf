"""Hostile request bodies against ``refnet serve``: slow bodies and one huge body.

Starts a fresh embedded store and ``refnet serve`` (default workers and threads) on a
free loopback port, then measures:

* **slow bodies**: ``--slow`` connections (20) each send a valid key, a
  ``Content-Length`` (1,000,000,000, then 1,000,000: over and under the JSON body cap)
  and 27 bytes of body, then hold the connection; meanwhile three normal
  ``{ me { role } }`` requests are timed, one after the other (each at most ``--wait``
  seconds). The anchor is the
  same request with no slow body held.
* **huge body**: one ``--huge-mb`` (200) MB cursor variable. Reported: the status, the
  size of the answer, the time, and the peak RSS (``VmHWM``) of the API workers before
  and after it.

Bounded: a fixed number of connections, every wait has a timeout, loopback only.

    python bench/hostile_bodies.py
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

import requests

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
from refnet.api import keys  # noqa: E402
from refnet.graph.config import Config  # noqa: E402
from refnet.graph.connect import open_store  # noqa: E402
from refnet.graph.server import EmbeddedServer  # noqa: E402
from tests.serving import serving  # noqa: E402

ME = {"query": "{ me { role } }"}


def _workers(port: int) -> list[int]:
    """The gunicorn workers serving ``port``: children of the process started with it."""
    procs: dict[int, tuple[int, bytes]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        procs[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmdline)
    masters = {pid for pid, (_, cmd) in procs.items()
               if b"serve" in cmd and f"--port\0{port}\0".encode() in cmd}
    return [pid for pid, (ppid, _) in procs.items() if ppid in masters]


def _peak_rss_mib(pids: list[int]) -> float:
    peak = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return round(peak / 1024, 1)


def _timed_me(url: str, token: str, wait_s: float) -> dict[str, object]:
    started = time.perf_counter()
    try:
        r = requests.post(f"{url}/graphql", json=ME, timeout=wait_s,
                          headers={"Authorization": f"Bearer {token}"})
        outcome: object = r.status_code
    except requests.RequestException as e:
        outcome = type(e).__name__
    return {"outcome": outcome, "seconds": round(time.perf_counter() - started, 3)}


def slow_bodies(url: str, token: str, count: int, wait_s: float,
                length: int) -> dict[str, object]:
    host, port = url.removeprefix("http://").split(":")
    held = []
    try:
        for _ in range(count):
            s = socket.create_connection((host, int(port)), timeout=5)
            s.sendall((f"POST /graphql HTTP/1.1\r\nHost: {host}\r\n"
                       f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                       f"Content-Length: {length}\r\n\r\n").encode()
                      + b'{"query": "{ me { role } }"')  # 27 bytes, then nothing
            held.append(s)
            time.sleep(0.1)  # paced, so every worker picks some up
        time.sleep(1)
        asked = [_timed_me(url, token, wait_s) for _ in range(3)]
        return {"content_length": length, "held": len(held), "me_while_held": asked}
    finally:
        for s in held:
            s.close()


def huge_body(url: str, token: str, port: int, mib: int) -> dict[str, object]:
    query = "query($c: String) { members(first: 1, after: $c) { edges { cursor } } }"
    body = json.dumps({"query": query, "variables": {"c": "A" * (mib << 20)}}).encode()
    pids = _workers(port)
    before = _peak_rss_mib(pids)
    started = time.perf_counter()
    try:
        r = requests.post(f"{url}/graphql", data=body, timeout=120, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        status, size = r.status_code, len(r.content)
    except requests.RequestException as e:  # the server may close before reading it all
        status, size = type(e).__name__, 0
    return {"mib": mib, "status": status, "answer_bytes": size,
            "seconds": round(time.perf_counter() - started, 2),
            "worker_peak_rss_mib_before": before, "worker_peak_rss_mib_after":
            _peak_rss_mib(pids)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slow", type=int, default=20)
    parser.add_argument("--wait", type=float, default=30.0)
    parser.add_argument("--huge-mb", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="refnet-hostile-") as tmp:
        config = Config.from_env(env={}, data_dir=Path(tmp))
        server = EmbeddedServer(config)
        server.start()
        try:
            with open_store(config) as store:
                token = keys.create(store, "admin").token
            with serving(config, workers=2, threads=4) as url:  # serve's defaults
                port = int(url.rsplit(":", 1)[1])
                result = {
                    "commit": os.popen(f"git -C {HERE.parent} rev-parse --short HEAD").read()
                    .strip(),
                    "anchor_me": _timed_me(url, token, args.wait),
                    "slow_bodies": [slow_bodies(url, token, args.slow, args.wait, length)
                                    for length in (1_000_000_000, 1_000_000)],
                    "me_after_slow_closed": _timed_me(url, token, args.wait),
                    "huge_body": huge_body(url, token, port, args.huge_mb),
                }
        finally:
            server.stop()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
