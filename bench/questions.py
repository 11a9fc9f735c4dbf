"""Question benchmark: how long each of the four questions takes on a synthetic network.

Generates a network, loads it into a fresh embedded store and times every question
(median of ``--runs``), beside an anchor measured in the same run on the same store:
``network/counts``, one pass over every member, edge and purchase — the cost of merely
reading the graph once. Figures are given as ratios to it because these machines are
noisy.

    python bench/questions.py --members 20000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loaded import loaded_network  # bench/loaded.py: run as python bench/<script>.py
from rich.console import Console
from rich.table import Table

from refnet.api.render import progress_bar
from refnet.graph.connect import open_store
from refnet.graph.store import GraphStore
from refnet.queries import compliance, conversion, downline, influence, network
from refnet.queries import window as windows
from refnet.queries.compliance import policy
from refnet.queries.influence import projection

HERE = Path(__file__).parent
console = Console(width=None if sys.stdout.isatty() else 140)


def cases(store: GraphStore) -> list[tuple[str, Callable[[], Any]]]:
    """Each question as ``refnet demo`` and the CLI ask it, on the largest organization."""
    root = network.summary(store, top=1).largest[0].root
    month, quarter, year = (windows.resolve(store, days=d) for d in (30, 90, 365))
    cn = policy.load("cn")

    def pagerank_cold() -> Any:
        projection.invalidate(store)
        return influence.rank(store, month, top=20)

    return [
        ("anchor: network/counts", lambda: store.run("network/counts").single()),
        ("downline health, largest tree", lambda: downline.health(store, root, month)),
        ("compliance cn, whole network", lambda: compliance.report(store, cn, year)),
        ("compliance cn, largest tree", lambda: compliance.report(store, cn, year, root_id=root)),
        ("influence PageRank (projection pulled)", pagerank_cold),
        ("influence PageRank (projection cached)", lambda: influence.rank(store, month, top=20)),
        ("influence IMM k=10", lambda: influence.seeds(store, month, k=10, runs=200)),
        ("conversion by trust", lambda: conversion.funnel(store, quarter, group_by="trust")),
        ("conversion by level", lambda: conversion.funnel(store, quarter, group_by="level")),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with (loaded_network(args.members, "refnet-q-bench-") as (config, _files, _data),
          open_store(config) as store):
            timings: dict[str, list[float]] = {}
            todo = cases(store)
            with progress_bar(console, unit="runs") as bar:
                task = bar.add_task("questions", total=len(todo) * args.runs)
                for name, ask in todo:
                    for _ in range(args.runs):
                        started = time.perf_counter()
                        ask()
                        timings.setdefault(name, []).append(time.perf_counter() - started)
                        bar.update(task, advance=1)

    medians = {name: statistics.median(t) for name, t in timings.items()}
    anchor = medians["anchor: network/counts"]
    table = Table(title=f"Questions on {args.members:,} members (median of {args.runs})")
    for column in ("question", "median", "× anchor"):
        table.add_column(column, justify="left" if column == "question" else "right")
    for name, seconds in medians.items():
        table.add_row(name, f"{seconds:,.2f} s", f"{seconds / anchor:,.1f}")
    console.print(table)
    out = HERE / "results" / f"questions-{args.members}.json"
    out.write_text(json.dumps({
        "date": datetime.now(UTC).strftime("%Y-%m-%d"), "members": args.members,
        "runs": args.runs,
        "median_s": {k: round(v, 3) for k, v in medians.items()},
        "vs_anchor": {k: round(v / anchor, 2) for k, v in medians.items()},
    }, indent=2) + "\n")
    console.print(f"saved {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
