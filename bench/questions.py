"""Question benchmark: each question answered from the analytic snapshot, on a synthetic network.

Generates a network (``--members``) and loads it into a fresh embedded store, or opens
a data dir loaded before (``--data``, with ``--members`` naming its size), then times
(median of ``--runs``) every question as the CLI, the API and the demo ask it, from
the warm snapshot of the current data version. Anchors measured in the same run:

* **numpy**: a bare pass over the same columns (the largest tree's members, sellers
  and GMV per level: three ``bincount`` over one slice), the limit of this design;
* **Cypher**: the answers the snapshot replaced (``tests/oracle``: downline health of
  the largest tree), the "before"; skipped above 200,000 members unless ``--cypher``
  (minutes each there). IMM is skipped there too unless ``--imm``.

The first call of each question in the process is shown apart: it maps the snapshot's
pages and builds what a question keeps per snapshot (conversion's window-independent
facts, numba's compiled kernels).

Also: the snapshot's build and save, opening (mapping) it, its bytes per member and
per event, and ``refnet query downline ROOT --json`` end to end (a new process, so
interpreter start and imports count). Figures are given as ratios to the numpy anchor
because these machines are noisy.

    python bench/questions.py --members 100000
    python bench/questions.py --members 1000000 --data /path/to/loaded/data --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from loaded import network_at, oracle  # bench/loaded.py: run as python bench/<script>.py
from rich.console import Console
from rich.table import Table

from refnet.api.render import progress_bar
from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.store import GraphStore
from refnet.queries import compliance, conversion, downline, influence, network, snapshot
from refnet.queries import window as windows
from refnet.queries.compliance import policy

HERE = Path(__file__).parent
REFNET = [shutil.which("refnet") or sys.executable] + ([] if shutil.which("refnet") else
                                                         ["-m", "refnet.api.cli"])
console = Console(width=None if sys.stdout.isatty() else 140)


def team_of(snap: snapshot.Snapshot, members: int) -> str:
    """The member whose downline (itself included) is closest to ``members``."""
    return str(snap.ids[int(np.argmin(np.abs(np.asarray(snap.size) - members)))])


def numpy_pass(snap: snapshot.Snapshot, root: int, since: int) -> list[int]:
    """The limit: members, sellers and GMV sold per level of one tree, three bincounts."""
    lo, hi = root, root + int(snap.size[root])
    levels = np.asarray(snap.depth[lo:hi]) - int(snap.depth[root])
    a, b = np.searchsorted(snap.p_promoter, [lo, hi])
    sold = np.asarray(snap.p_at[a:b]) > since
    promoter = np.asarray(snap.p_promoter[a:b])[sold] - lo
    gmv = np.bincount(levels[promoter], weights=np.asarray(snap.p_amount[a:b])[sold])
    return [len(np.bincount(levels)), len(np.bincount(levels[np.unique(promoter)])),
            int(gmv.sum())]


def cases(store: GraphStore, snap: snapshot.Snapshot, cypher: bool, imm: bool
          ) -> list[tuple[str, Callable[[], Any]]]:
    """Each question as ``refnet demo`` and the CLI ask it, on the largest organization
    and on a team of about 1,000 members."""
    root = network.summary(store, top=1).largest[0].root
    team = team_of(snap, 1_000)
    month, quarter, year = (windows.resolve(store, days=d) for d in (30, 90, 365))
    cn = policy.load("cn")
    top = snap.position(root)
    assert top is not None
    out: list[tuple[str, Callable[[], Any]]] = [
        ("anchor: numpy pass, largest tree", lambda: numpy_pass(snap, top, month.start)),
        ("downline health, largest tree", lambda: downline.health(store, root, month)),
        ("downline health, 1,000-member team", lambda: downline.health(store, team, month)),
        ("compliance cn, whole network", lambda: compliance.report(store, cn, year)),
        ("compliance cn, largest tree", lambda: compliance.report(store, cn, year, root_id=root)),
        ("compliance cn, 1,000-member team",
         lambda: compliance.report(store, cn, year, root_id=team)),
        ("influence PageRank", lambda: influence.rank(store, month, top=20)),
        ("network summary", lambda: network.summary(store)),
    ]
    if imm:
        out.append(("influence IMM k=10, ε=0.5", lambda: influence.seeds(store, month, k=10,
                                                                         runs=200)))
    out += [(f"conversion by {g}", lambda g=g: conversion.funnel(store, quarter, group_by=g))
            for g in ("trust", "level", "channel", "promoter")]
    if cypher:
        walks = oracle("downline")
        out.append(("before: Cypher downline health, largest tree",
                    lambda: walks.health(store, root, month)))
    return out


def end_to_end(config: Config, root: str, runs: int) -> float:
    """``refnet query downline ROOT --json`` as a user runs it: a new process each time."""
    env = {**os.environ, "REFNET_DATA_DIR": str(config.data_dir), "REFNET_GRAPH": config.graph}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*REFNET, "query", "downline", root, "--json"], env=env, check=True,
                       capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", help="a data dir loaded before (skips generate and load)")
    parser.add_argument("--cypher", action="store_true",
                        help="time the Cypher answers above 200,000 members too")
    parser.add_argument("--imm", action="store_true",
                        help="time IMM above 200,000 members too (minutes a run there; "
                             "bench/influence.py times it alone)")
    args = parser.parse_args()
    cypher = args.cypher or args.members <= 200_000

    with network_at(args.members, args.data) as config, open_store(config) as store:
        started = time.perf_counter()
        built = snapshot.build(store)
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        where = snapshot.save(built, Path(config.data_dir) / "bench-snapshot")
        save_s = time.perf_counter() - started
        started = time.perf_counter()
        snapshot.open(where)
        open_ms = (time.perf_counter() - started) * 1000
        snap = snapshot.current(store, config.data_dir)  # what the questions read
        events = len(snap.p_at) + len(snap.c_at) + len(snap.s_at) + len(snap.t_src)
        timings: dict[str, list[float]] = {}
        todo = cases(store, snap, cypher, args.imm or args.members <= 200_000)
        with progress_bar(console, unit="runs") as bar:
            task = bar.add_task("questions", total=len(todo) * args.runs)
            for name, ask in todo:
                for _ in range(args.runs):
                    started = time.perf_counter()
                    ask()
                    timings.setdefault(name, []).append(time.perf_counter() - started)
                    bar.update(task, advance=1)
        root = network.summary(store, top=1).largest[0].root
        cli_s = end_to_end(config, root, args.runs)

    medians = {name: statistics.median(t) for name, t in timings.items()}
    firsts = {name: t[0] for name, t in timings.items()}
    anchor = medians["anchor: numpy pass, largest tree"]
    table = Table(title=f"Questions on {snap.members:,} members, from the snapshot "
                        f"(median of {args.runs})")
    for column in ("question", "median", "× numpy anchor", "first call"):
        table.add_column(column, justify="left" if column == "question" else "right")
    for name, seconds in medians.items():
        table.add_row(name, f"{seconds * 1000:,.1f} ms", f"{seconds / anchor:,.0f}",
                      f"{firsts[name] * 1000:,.1f} ms")
    table.add_row("refnet query downline ROOT --json (process)", f"{cli_s * 1000:,.0f} ms", "")
    console.print(table)
    memory = {"bytes": built.nbytes, "members": built.members, "events": events,
              "bytes_per_member": round(built.nbytes / max(built.members, 1), 1)}
    console.print(f"snapshot: build {build_s:.1f} s, save {save_s:.1f} s, open (map) "
                  f"{open_ms:.1f} ms; {built.nbytes / 2**20:,.1f} MiB for {built.members:,} "
                  f"members and {events:,} events "
                  f"({built.nbytes / max(built.members + events, 1):.1f} bytes per row)")
    out = HERE / "results" / f"questions-{snap.members}.json"
    out.write_text(json.dumps({
        "date": datetime.now(UTC).strftime("%Y-%m-%d"), "members": snap.members,
        "runs": args.runs, "median_ms": {k: round(v * 1000, 2) for k, v in medians.items()},
        "vs_numpy_anchor": {k: round(v / anchor, 1) for k, v in medians.items()},
        "first_call_ms": {k: round(v * 1000, 2) for k, v in firsts.items()},
        "cli_downline_process_ms": round(cli_s * 1000),
        "snapshot": {"build_s": round(build_s, 2), "save_s": round(save_s, 2),
                     "open_ms": round(open_ms, 2), **memory},
    }, indent=2) + "\n")
    console.print(f"saved {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
