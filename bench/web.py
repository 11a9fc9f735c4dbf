"""Web app benchmark: each page's server time through ``refnet serve`` on loopback.

Generates a synthetic network (100,000 members by default), loads it into a fresh
embedded store, starts ``refnet serve`` and signs in twice through the sign-in form
(an organizer of a team of about ``--team`` members, and an admin), then drives each
page with wrk at 1, 8 and 32 connections with the session cookie:

* the team dashboard, the member list, the tree, a tree level opened, a member card,
  the conversion and influence pages, for the organizer's team;
* the dashboard and a tree level of the largest organization (the admin);

and times the export of the largest organization's whole member list (XLSX and CSV,
one request each, ``--exports`` times). The anchor, measured in the same run, is
``GET /healthz``: each figure is also a ratio to it, these machines being noisy.

    python bench/web.py --members 100000
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
from loaded import loaded_network
from rich.console import Console

from api import (  # bench/api.py: run as python bench/<script>.py
    Cell,
    _team_of_about,
    cells_table,
    wrk_cell,
)
from refnet.api import keys
from refnet.api.render import progress_bar
from refnet.graph.connect import open_store
from refnet.queries import network
from refnet.queries import snapshot as snapshots

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
from tests.serving import serving  # noqa: E402

console = Console(width=None if sys.stdout.isatty() else 140)
CONCURRENCY = (1, 8, 32)


def sign_in(base: str, token: str) -> str:
    """The session cookie a browser gets from the sign-in form."""
    s = requests.Session()
    form = s.get(f"{base}/signin", timeout=30).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    r = s.post(f"{base}/signin", data={"key": token, "csrf_token": csrf}, timeout=30,
               allow_redirects=False)
    assert r.status_code == 302, r.text[:500]
    return "; ".join(f"{k}={v}" for k, v in s.cookies.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--team", type=int, default=1_000, help="the organizer's team size")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=8, help="per cell")
    parser.add_argument("--exports", type=int, default=3, help="timed exports of each kind")
    args = parser.parse_args()

    console.print(f"generating and loading {args.members:,} members ...")
    with loaded_network(args.members, "refnet-web-bench-") as (config, files, _):
        with open_store(config) as store:
            team = _team_of_about(files / "members.csv", args.team)
            largest = network.summary(store, top=1).largest[0]
            snap = snapshots.current(store, config.data_dir)
            p = snap.position(team)
            someone = str(snap.ids[p + 1]) if snap.size[p] > 1 else team
            organizer = keys.create(store, "organizer", member_id=team).token
            admin = keys.create(store, "admin").token
        with serving(config, workers=args.workers, threads=args.threads,
                     ready_within_s=60) as base:
            mine, theirs = sign_in(base, organizer), sign_in(base, admin)
            pages = [
                ("healthz (anchor)", "/healthz", mine),
                (f"team ({args.team:,})", "/team", mine),
                ("member list, page 1", "/members", mine),
                ("tree", "/tree", mine),
                ("tree level opened", f"/tree/children?member={someone}", mine),
                ("member card", f"/member/{someone}", mine),
                ("conversion", "/conversion", mine),
                ("influence (ranking)", "/influence", mine),
                (f"team, largest ({largest.members:,})", f"/team?root={largest.root}", theirs),
                ("tree level, largest", f"/tree/children?member={largest.root}", theirs),
            ]
            cells: list[Cell] = []
            with progress_bar(console, unit="cells") as bar:
                task = bar.add_task("pages", total=len(pages) * len(CONCURRENCY))
                for name, path, cookie in pages:
                    headers = {"Cookie": cookie, "Accept": "text/html"}
                    wrk_cell(name, f"{base}{path}", 2, 1, headers=headers)  # warm up
                    for clients in CONCURRENCY:
                        cells.append(wrk_cell(name, f"{base}{path}", clients, args.seconds,
                                              headers=headers))
                        bar.update(task, advance=1, description=f"{name[:12]} ×{clients}")
            exports = {}
            for kind in ("xlsx", "csv"):
                took = []
                for _ in range(args.exports):
                    t = time.perf_counter()
                    r = requests.get(f"{base}/members.{kind}?root={largest.root}",
                                     headers={"Cookie": theirs}, timeout=600)
                    took.append(time.perf_counter() - t)
                    assert r.status_code == 200, r.text[:300]
                exports[kind] = {"median_s": statistics.median(took), "bytes": len(r.content)}

    console.print(cells_table(f"Web benchmark: {args.members:,} members, {args.workers} "
                              f"workers × {args.threads} threads, loopback, signed-in session",
                              "page", cells))
    for kind, e in exports.items():
        console.print(f"export of the largest organization's {largest.members:,} members as "
                      f"{kind}: {e['median_s']:.2f} s median of {args.exports} "
                      f"({e['bytes'] / 2**20:.1f} MiB)")
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"), "members": args.members,
        "team": args.team, "largest": largest.members, "workers": args.workers,
        "threads": args.threads, "seconds": args.seconds, "client": "wrk",
        "cells": [{**vars(c), "rps": c.rps} for c in cells], "exports": exports,
    }
    out = HERE / "results" / f"web-{args.members}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    console.print(f"written {out}")


if __name__ == "__main__":
    main()
