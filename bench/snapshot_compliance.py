"""The compliance report (cn, 365 days): the Cypher oracle against the analytic snapshot.

Generates a synthetic network (``refnet generate``'s generator), loads it into a fresh
embedded store, then times the whole-network report and the largest organization's
(median of ``--runs``): the Cypher aggregations (``tests/oracle/compliance``) unless
``--no-cypher``, and ``report_from`` on the mapped snapshot; checks the answers equal,
and prints where the snapshot's time goes (``--profile``).

    python bench/snapshot_compliance.py --members 100000
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from loaded import loaded_network, oracle  # bench/loaded.py: run as python bench/<script>.py

from refnet.graph.connect import open_store
from refnet.queries import network, snapshot
from refnet.queries import window as windows
from refnet.queries.compliance import policy
from refnet.queries.compliance.report import report_from


def median_ms(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-cypher", action="store_true", help="time the snapshot only")
    ap.add_argument("--profile", action="store_true", help="profile one whole-network report")
    args = ap.parse_args()
    with (loaded_network(args.members, "refnet-compliance-bench-") as (config, _files, data),
          open_store(config) as store):
        top = network.summary(store, top=1).largest[0]
        year = windows.resolve(store, days=365)
        cn = policy.load("cn")
        runs = store.run("compliance/load_runs").records()
        print(f"{args.members:,} members; largest tree {top.root}: {top.members:,} members")
        # the load saved the snapshot of its data version: map it, as a question does
        open_ms, mapped = median_ms(lambda: snapshot.current(store, data), 1)
        print(f"snapshot mapped in {open_ms:,.0f} ms; {mapped.members:,} members, "
              f"{len(mapped.p_at):,} purchases")
        report = oracle("compliance").report
        for label, root in (("whole network", None), ("largest tree", top.root)):
            snap_ms, got = median_ms(lambda r=root: report_from(  # type: ignore[misc]
                mapped, cn, year, root_id=r, runs=runs), args.runs)
            line = f"compliance cn, {label}: snapshot {snap_ms:9.1f} ms"
            if not args.no_cypher:
                cypher_ms, want = median_ms(lambda r=root: report(  # type: ignore[misc]
                    store, cn, year, root_id=r), args.runs)
                assert replace(got, data_version=None) == want, f"{label}: the answers differ"
                line += f", Cypher {cypher_ms:9.1f} ms ({cypher_ms / snap_ms:,.0f}×); equal"
            print(f"{line} (median of {args.runs}; {len(got.flags):,} flags)")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(report_from, mapped, cn, year, runs=runs)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
