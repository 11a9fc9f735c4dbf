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

``--backend neo4j`` loads the same files into Neo4j 5.26 too (the tests' harness,
``tests/neo4j``) and asks it the same questions in the same run, each backend's times
beside its own numpy anchor: the questions read the snapshot either way, so what differs
is the snapshot's build, the data-version check each answer makes, and the Cypher anchor.

The first call of each question in the process is shown apart: it maps the snapshot's
pages and builds what a question keeps per snapshot (conversion's window-independent
facts, numba's compiled kernels).

Also: the snapshot's build and save, opening (mapping) it, its bytes per member and
per event, and ``refnet query downline ROOT --json`` end to end (a new process, so
interpreter start and imports count). Figures are given as ratios to the numpy anchor
because these machines are noisy.

    python bench/questions.py --members 100000
    python bench/questions.py --members 1000000 --data /path/to/loaded/data --runs 5
    python bench/questions.py --members 100000 --backend neo4j   # Neo4j 5.26 beside it
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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from loaded import (  # bench/loaded.py: run as python bench/<script>.py
    HASHER,
    loaded_network,
    neo4j_server,
    network_at,
    oracle,
)
from rich.console import Console
from rich.table import Table

from refnet.api.render import progress_bar
from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.neo4j_store import Neo4jStore
from refnet.graph.store import GraphStore
from refnet.loaders import load
from refnet.queries import compliance, conversion, downline, influence, network, snapshot
from refnet.queries import window as windows
from refnet.queries.compliance import policy

HERE = Path(__file__).parent
REFNET = [shutil.which("refnet") or sys.executable] + ([] if shutil.which("refnet") else
                                                         ["-m", "refnet.api.cli"])
ANCHOR = "anchor: numpy pass, largest tree"
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
        (ANCHOR, lambda: numpy_pass(snap, top, month.start)),
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


def gds_cases(store: GraphStore) -> list[tuple[str, Callable[[], Any]]]:
    """On a Neo4j with Graph Data Science: what asking GDS instead would cost, the trust
    network projected, weighted PageRank streamed and the projection dropped (the tests'
    second opinion, ``tests/oracle/gds``). GDS's CELF is left out: it takes one
    probability for every edge, so it cannot give refnet's weighted cascade."""
    if not isinstance(store, Neo4jStore) or not store.server_info()["gds"]:
        return []
    gds = oracle("gds")

    def pagerank() -> list[Any]:
        with gds.projected(store, "NATURAL") as graph:
            return gds.pagerank(store, graph, 0.85)

    return [("GDS instead: trust projected + weighted PageRank", pagerank)]


def end_to_end(config: Config, root: str, runs: int) -> float:
    """``refnet query downline ROOT --json`` as a user runs it: a new process each time."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFNET_", "NEO4J_"))}
    env |= config.as_env()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*REFNET, "query", "downline", root, "--json"], env=env, check=True,
                       capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@dataclass
class Run:
    """One backend's figures: every question's times and the snapshot's."""

    timings: dict[str, list[float]]
    cli_s: float
    snapshot: dict[str, Any]
    members: int

    @property
    def medians(self) -> dict[str, float]:
        return {name: statistics.median(t) for name, t in self.timings.items()}

    @property
    def anchor(self) -> float:
        return self.medians[ANCHOR]

    def as_json(self) -> dict[str, Any]:
        medians, anchor = self.medians, self.anchor
        return {"median_ms": {k: round(v * 1000, 2) for k, v in medians.items()},
                "vs_numpy_anchor": {k: round(v / anchor, 1) for k, v in medians.items()},
                "first_call_ms": {k: round(t[0] * 1000, 2) for k, t in self.timings.items()},
                "cli_downline_process_ms": round(self.cli_s * 1000),
                "snapshot": self.snapshot}


def measure(config: Config, runs: int, cypher: bool, imm: bool, label: str) -> Run:
    """Build, save and open the snapshot, then time every question ``runs`` times."""
    with open_store(config) as store:
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
        todo = cases(store, snap, cypher, imm) + gds_cases(store)
        with progress_bar(console, unit="runs") as bar:
            task = bar.add_task(f"questions, {label}", total=len(todo) * runs)
            for name, ask in todo:
                for _ in range(runs):
                    started = time.perf_counter()
                    ask()
                    timings.setdefault(name, []).append(time.perf_counter() - started)
                    bar.update(task, advance=1)
        root = network.summary(store, top=1).largest[0].root
    cli_s = end_to_end(config, root, runs)
    console.print(f"{label} snapshot: build {build_s:.1f} s, save {save_s:.1f} s, open (map) "
                  f"{open_ms:.1f} ms; {built.nbytes / 2**20:,.1f} MiB for {built.members:,} "
                  f"members and {events:,} events "
                  f"({built.nbytes / max(built.members + events, 1):.1f} bytes per row)")
    return Run(timings, cli_s, {
        "build_s": round(build_s, 2), "save_s": round(save_s, 2), "open_ms": round(open_ms, 2),
        "bytes": built.nbytes, "members": built.members, "events": events,
        "bytes_per_member": round(built.nbytes / max(built.members, 1), 1)}, snap.members)


def on_neo4j(files: Path, data: Path, runs: int, cypher: bool, imm: bool
             ) -> tuple[Run, float]:
    """The same files loaded into Neo4j 5.26 (started here), the same questions asked."""
    console.print("starting Neo4j 5.26 and loading the same files ...")
    with neo4j_server(data) as (config, _pid):
        with open_store(config) as store:
            store.ensure_schema()
            started = time.perf_counter()
            report = load.load_paths(store, [files], hasher=HASHER)
            load_s = time.perf_counter() - started
            assert report.bad == 0, report
        return measure(config, runs, cypher, imm, "Neo4j 5.26"), load_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", help="a data dir loaded before (skips generate and load)")
    parser.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded",
                        help="neo4j: ask Neo4j 5.26 the same questions too, beside FalkorDB")
    parser.add_argument("--cypher", action="store_true",
                        help="time the Cypher answers above 200,000 members too")
    parser.add_argument("--imm", action="store_true",
                        help="time IMM above 200,000 members too (minutes a run there; "
                             "bench/influence.py times it alone)")
    args = parser.parse_args()
    if args.backend == "neo4j" and args.data:
        parser.error("--backend neo4j loads the generated files into Neo4j: leave out --data")
    cypher = args.cypher or args.members <= 200_000
    imm = args.imm or args.members <= 200_000

    neo4j: tuple[Run, float] | None = None
    if args.backend == "neo4j":
        with loaded_network(args.members, "refnet-bench-") as (config, files, data):
            falkordb = measure(config, args.runs, cypher, imm, "FalkorDB")
            neo4j = on_neo4j(files, data.parent / "neo4j", args.runs, cypher, imm)
    else:
        with network_at(args.members, args.data) as config:
            falkordb = measure(config, args.runs, cypher, imm, "FalkorDB")

    table = Table(title=f"Questions on {falkordb.members:,} members, from the snapshot "
                        f"(median of {args.runs})")
    columns = ["question", "median", "× numpy anchor", "first call"]
    if neo4j is not None:
        columns = [*columns[:1], *(f"FalkorDB {c}" for c in columns[1:]),
                   *(f"Neo4j {c}" for c in columns[1:])]
    for column in columns:
        table.add_column(column, justify="left" if column == "question" else "right")
    names = list(falkordb.timings) + [n for n in (neo4j[0].timings if neo4j else {})
                                      if n not in falkordb.timings]
    for name in names:
        row = [name, *_cells(falkordb, name)]
        if neo4j is not None:
            row += _cells(neo4j[0], name)
        table.add_row(*row)
    cli = ["refnet query downline ROOT --json (process)", f"{falkordb.cli_s * 1000:,.0f} ms",
           "", ""]
    if neo4j is not None:
        cli += [f"{neo4j[0].cli_s * 1000:,.0f} ms", "", ""]
    table.add_row(*cli)
    console.print(table)
    result: dict[str, Any] = {"date": datetime.now(UTC).strftime("%Y-%m-%d"),
                              "members": falkordb.members, "runs": args.runs,
                              **falkordb.as_json()}
    if neo4j is not None:
        result["neo4j"] = {"server": "Neo4j 5.26 community (tests/neo4j)",
                           "load_s": round(neo4j[1], 2), **neo4j[0].as_json()}
    out = HERE / "results" / f"questions-{falkordb.members}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    console.print(f"saved {out.relative_to(HERE.parent)}")


def _cells(run: Run, name: str) -> list[str]:
    if name not in run.timings:
        return ["", "", ""]
    seconds = run.medians[name]
    return [f"{seconds * 1000:,.1f} ms", f"{seconds / run.anchor:,.0f}",
            f"{run.timings[name][0] * 1000:,.1f} ms"]


if __name__ == "__main__":
    main()
