"""API benchmark: ``refnet serve`` on loopback, asked by concurrent HTTP clients (wrk).

Generates a synthetic network (100,000 members by default), loads it into a fresh
embedded store, starts ``refnet serve`` (gunicorn) on a free loopback port and
measures requests per second and p50/p99 latency for three requests with 1, 8 and 32
concurrent clients:

* ``member``: one member with its referrer and first 10 children (an organizer's key);
* ``downline``: downline health of a team of about 1,000 members (the organizer's own);
* ``compliance``: the cn report on that organizer's downline.

Then the time to refuse each hostile document the tests use (depth 50, 1,000
``__typename``, 10,000 tokens, 100 aliases of ``compliance``, nested fragments,
``first: 100000``, introspection in production, a mutation over GET): p50 and p99 of
``--refusals`` requests, one client.

The load comes from wrk (``apt-get install wrk``), a C client that leaves the cores to
the server: each cell runs ``--seconds`` long with N connections, and a response that
is not a 200 without ``errors`` counts as an error. The anchor, measured in the same
run with the same clients, is ``GET /healthz``: the server's and the clients' own
ceiling. Each figure is reported beside it as a ratio, because these 2-core machines
are noisy. Every loop is bounded in time and talks only to 127.0.0.1.

    python bench/api.py --members 100000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests
from loaded import loaded_network  # bench/loaded.py: run as python bench/<script>.py
from rich.console import Console
from rich.table import Table

from refnet.api import keys
from refnet.api.render import progress_bar
from refnet.graph.config import Config
from refnet.graph.connect import open_store

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))  # the hostile documents live beside the tests
from tests.hostile import HOSTILE, INTROSPECTION, MUTATION  # noqa: E402
from tests.serving import serving  # noqa: E402

console = Console(width=None if sys.stdout.isatty() else 140)
CONCURRENCY = (1, 8, 32)
# wrk's Lua: the request, and a count of answers that are not a clean 200 (per thread,
# summed when it is done), printed on one line for run_cell to read.
WRK_SCRIPT = """
wrk.method = %(method)s
wrk.body = %(body)s
%(headers)s
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local errors = 0
  for _, t in ipairs(threads) do errors = errors + t:get("bad") end
  errors = errors + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests, errors,
    summary.duration, latency:percentile(50), latency:percentile(99)))
end
"""

MEMBER = """query($id: ID!) { member(id: $id) { id status referrer { id }
  children(first: 10) { edges { node { id recruits } } } } }"""
DOWNLINE = """query($id: ID!) { downline(rootId: $id) { size depth
  totals { active gmv { amount } } levels { level members } } }"""
COMPLIANCE = """query($id: ID!) { compliance(rootId: $id, days: 365) {
  totals { gmv { amount } } flags { code severity member } } }"""


@dataclass
class Cell:
    name: str
    clients: int
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _pct(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _team_of_about(members_csv: Path, size: int) -> str:
    """The member whose downline is closest to ``size`` members."""
    import csv

    import networkx as nx

    with open(members_csv, newline="", encoding="utf-8") as f:
        edges = [(r["referrer_id"], r["member_id"]) for r in csv.DictReader(f) if r["referrer_id"]]
    tree = nx.DiGraph(edges)
    below: dict[str, int] = {}
    for node in reversed(list(nx.topological_sort(tree))):
        below[node] = sum(below[c] + 1 for c in tree.successors(node))
    return min(below, key=lambda m: (abs(below[m] - size), m))


def run_cell(url: str, name: str, body: dict | None, token: str, clients: int,
             seconds: int) -> Cell:
    """A GraphQL ``body`` (None: the healthz anchor) with the bearer ``token``."""
    target = url.replace("/graphql", "/healthz") if body is None else url
    return wrk_cell(name, target, clients, seconds, method="GET" if body is None else "POST",
                    body=None if body is None else json.dumps(body),
                    headers={"Content-Type": "application/json",
                             "Authorization": f"Bearer {token}"})


def wrk_cell(name: str, target: str, clients: int, seconds: int, *, method: str = "GET",
             body: str | None = None, headers: dict[str, str] | None = None) -> Cell:
    """``clients`` keep-alive connections sending for ``seconds`` (wrk, two threads); an
    answer that is not a 200, or a GraphQL answer with ``errors``, counts as an error."""
    quoted = json.dumps  # a JSON string literal is a valid Lua string literal here
    script = WRK_SCRIPT % {
        "method": quoted(method), "body": "nil" if body is None else quoted(body),
        "headers": "\n".join(f"wrk.headers[{quoted(k)}] = {quoted(v)}"
                             for k, v in (headers or {}).items())}
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        out = subprocess.run(
            ["wrk", "-t", str(min(2, clients)), "-c", str(clients), "-d", f"{seconds}s",
             "--timeout", "60s", "-s", lua.name, target],
            capture_output=True, text=True, timeout=seconds + 120, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    done, errors, micros, p50, p99 = (int(v) for v in line.split()[1:])
    return Cell(name, clients, done, errors, micros / 1e6, p50 / 1000, p99 / 1000)


def cells_table(title: str, what: str, cells: list[Cell]) -> Table:
    """The cells with their ratio to the anchor (the ``healthz`` cells) at the same
    concurrency."""
    anchor = {c.clients: c.rps for c in cells if c.name.startswith("healthz")}
    table = Table(title=title)
    for column in (what, "clients", "requests", "errors", "req/s", "× anchor req/s",
                   "p50 ms", "p99 ms"):
        table.add_column(column, justify="left" if column == what else "right")
    for c in cells:
        table.add_row(c.name, str(c.clients), f"{c.requests:,}", str(c.errors), f"{c.rps:,.1f}",
                      f"{c.rps / anchor[c.clients]:.3f}", f"{c.p50_ms:,.1f}",
                      f"{c.p99_ms:,.1f}")
    return table


def _run_cells(url: str, team: str, token: str, data: Path, args: argparse.Namespace
               ) -> tuple[list[Cell], list[Cell]]:
    """Every request at every concurrency, then the hostile documents' refusals."""
    requests_ = [
        ("healthz (anchor)", None),
        ("member", {"query": MEMBER, "variables": {"id": team}}),
        (f"downline ({args.team:,}-member team)",
         {"query": DOWNLINE, "variables": {"id": team}}),
        ("compliance (organizer)", {"query": COMPLIANCE, "variables": {"id": team}}),
    ]
    cells: list[Cell] = []
    with progress_bar(console, unit="cells") as bar:
        task = bar.add_task("requests", total=len(requests_) * len(CONCURRENCY))
        for name, body in requests_:
            run_cell(url, name, body, token, 2, 1)  # warm the caches and the workers
            for clients in CONCURRENCY:
                cells.append(run_cell(url, name, body, token, clients, args.seconds))
                if cells[-1].errors:
                    _show_an_error(url, body, token)
                bar.update(task, advance=1, description=f"{name[:10]} ×{clients}")
    return cells, time_refusals(url, token_admin(data), args.refusals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--team", type=int, default=1_000, help="downline size to ask about")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=10, help="per cell")
    parser.add_argument("--refusals", type=int, default=200, help="per hostile document")
    args = parser.parse_args()

    console.print(f"generating and loading {args.members:,} members ...")
    with loaded_network(args.members, "refnet-api-bench-") as (config, files, data):
        with open_store(config) as store:
            team = _team_of_about(files / "members.csv", args.team)
            token = keys.create(store, "organizer", member_id=team).token
        with serving(config, workers=args.workers, threads=args.threads,
                     ready_within_s=60) as base:
            cells, refused = _run_cells(f"{base}/graphql", team, token, data, args)

    anchor = {c.clients: c.rps for c in cells if c.name.startswith("healthz")}
    console.print(cells_table(f"API benchmark: {args.members:,} members, {args.workers} "
                              f"workers × {args.threads} threads, loopback", "request", cells))
    console.print(refusals_table(refused, anchor[1]))
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"), "members": args.members,
        "team": args.team, "workers": args.workers, "threads": args.threads,
        "seconds": args.seconds, "client": "wrk",
        "cells": [{"request": c.name, "clients": c.clients, "requests": c.requests,
                   "errors": c.errors, "rps": round(c.rps, 1),
                   "vs_anchor": round(c.rps / anchor[c.clients], 4),
                   "p50_ms": round(c.p50_ms, 1), "p99_ms": round(c.p99_ms, 1)}
                  for c in cells],
        "refusals": [{"document": c.name, "requests": c.requests, "refused": c.errors,
                      "p50_ms": round(c.p50_ms, 1), "p99_ms": round(c.p99_ms, 1)}
                     for c in refused],
    }
    out = HERE / "results" / f"api-{args.members}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    console.print(f"saved {out.relative_to(HERE.parent)}")


def _show_an_error(url: str, body: dict | None, token: str) -> None:
    """A cell had errors: say what one answer looks like, so the figures are not trusted."""
    headers = {"Authorization": f"Bearer {token}"}
    r = (requests.get(url.replace("/graphql", "/healthz"), timeout=60) if body is None
         else requests.post(url, json=body, headers=headers, timeout=60))
    console.print(f"[red]errors; one answer now: {r.status_code} {r.text[:300]}[/]")


def token_admin(data: Path) -> str:
    with open_store(Config.from_env(env={}, data_dir=data)) as store:
        return keys.create(store, "admin").token


def time_refusals(url: str, token: str, runs: int) -> list[Cell]:
    """Each hostile document ``runs`` times, one client; ``errors`` counts the refusals."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    asks = [(name, "POST", doc) for name, doc in HOSTILE.items()]
    asks += [("introspection", "POST", INTROSPECTION), ("mutation over GET", "GET", MUTATION)]
    cells = []
    for name, method, doc in asks:
        latencies, refused = [], 0
        started = time.perf_counter()
        for _ in range(runs):
            t = time.perf_counter()
            if method == "GET":
                r = session.get(url, params={"query": doc}, timeout=60)
            else:
                r = session.post(url, json={"query": doc}, timeout=60)
            latencies.append((time.perf_counter() - t) * 1000)
            refused += r.status_code >= 400 or bool(r.json().get("errors"))
        cells.append(Cell(name, 1, runs, refused, time.perf_counter() - started,
                          _pct(latencies, 0.5), _pct(latencies, 0.99)))
    return cells


def refusals_table(cells: list[Cell], healthz_rps: float) -> Table:
    table = Table(title="Hostile documents: time to refuse (one client)",
                  caption=f"anchor: GET /healthz at {1000 / healthz_rps:,.1f} ms per request "
                          "with one client", caption_justify="left")
    for column in ("document", "requests", "refused", "p50 ms", "p99 ms"):
        table.add_column(column, justify="left" if column == "document" else "right")
    for c in cells:
        table.add_row(c.name, f"{c.requests:,}", f"{c.errors:,}", f"{c.p50_ms:,.1f}",
                      f"{c.p99_ms:,.1f}")
    return table


if __name__ == "__main__":
    main()
