"""Conversion (every split) and the network summary: the Cypher oracle against the snapshot.

Generates a synthetic network (``refnet generate``'s generator), loads it into a fresh
embedded store, then times (median of ``--runs``) each conversion split over the last
90 days, a team's report on the largest organization, and the network summary: the
Cypher answer the snapshot replaced (``tests/oracle``, skipped with ``--no-cypher``) and
the answer from the mapped snapshot, checking the two are equal. The snapshot's first
conversion answer also builds its (share, viewer) click index; that is timed apart.

    python bench/snapshot_conversion.py --members 100000
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from loaded import loaded_network, oracle  # bench/loaded.py: run as python bench/<script>.py

from refnet.graph.connect import open_store
from refnet.graph.errors import RefnetError
from refnet.queries import snapshot
from refnet.queries import window as windows
from refnet.queries.conversion.funnel import funnel_from
from refnet.queries.network import summary_from

GROUPS = ("trust", "level", "channel", "promoter")


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
    ap.add_argument("--cypher-runs", type=int, default=1)
    ap.add_argument("--no-cypher", action="store_true", help="Time the snapshot only.")
    ap.add_argument("--keep", type=Path, help="Also save the snapshot here (for --tile).")
    args = ap.parse_args()
    conv, net = oracle("conversion"), oracle("network")
    with (loaded_network(args.members, "refnet-conv-bench-") as (config, _files, data),
          open_store(config) as store):
        quarter = windows.resolve(store, days=90)
        build_ms, snap = median_ms(lambda: snapshot.build(store), 1)
        mapped = snapshot.open(snapshot.save(snap, args.keep or data / "bench-snap"))
        print(f"{args.members} members: {len(snap.s_at)} shares, {len(snap.c_at)} clicks, "
              f"{len(snap.p_at)} purchases, {len(snap.t_src)} trust edges; snapshot build "
              f"{build_ms:.0f} ms")
        first_ms, _ = median_ms(lambda: funnel_from(mapped, quarter, group_by="trust"), 1)
        print(f"first conversion answer (builds the click index): {first_ms:.0f} ms")
        cases: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = []
        for g in GROUPS:
            cases.append((f"conversion by {g}",
                          lambda g=g: conv.funnel(store, quarter, group_by=g),
                          lambda g=g: funnel_from(mapped, quarter, group_by=g)))
        top = summary_from(mapped, top=1).largest[0]
        cases.append((f"conversion by level, team of {top.members}",
                      lambda: conv.funnel(store, quarter, group_by="level", root_id=top.root),
                      lambda: funnel_from(mapped, quarter, group_by="level",
                                          root_id=top.root)))
        cases.append(("network summary", lambda: net.summary(store),
                      lambda: summary_from(mapped)))
        for name, cypher, columns in cases:
            snap_ms, got = median_ms(columns, args.runs)
            line = f"{name:40s} snapshot {snap_ms:9.1f} ms"
            if not args.no_cypher:
                try:
                    cypher_ms, want = median_ms(cypher, args.cypher_runs)
                except RefnetError as e:  # the team's id list can take the walk past its limit
                    print(f"{line}   Cypher failed: {e}", flush=True)
                    continue
                if hasattr(got, "data_version"):
                    got = replace(got, data_version=None)
                same = "equal" if got == want else "DIFFERENT"
                line += f"   Cypher {cypher_ms:9.1f} ms   x{cypher_ms / snap_ms:7.0f}   {same}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
