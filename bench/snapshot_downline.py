"""Downline health on the largest tree: the Cypher walk against the analytic snapshot.

Generates a synthetic network (``refnet generate``'s generator), loads it into a fresh
embedded store, then times on the largest organization (median of ``--runs``):
the Cypher walks (``tests/oracle/downline``), the snapshot's build and save, and
``health_from`` on the mapped snapshot; and checks the two answers are equal.

    python bench/snapshot_downline.py --members 20000
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from loaded import (  # bench/loaded.py: run as python bench/<script>.py
    loaded_network,
    median_ms,
    oracle,
)

from refnet.graph.connect import open_store
from refnet.queries import network, snapshot
from refnet.queries import window as windows
from refnet.queries.downline.columns import health_from


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with (loaded_network(args.members, "refnet-snap-bench-") as (config, _files, data),
          open_store(config) as store):
        top = network.summary(store, top=1).largest[0]
        month = windows.resolve(store, days=30)
        print(f"{args.members} members; largest tree {top.root}: {top.members} members")
        walks = oracle("downline")
        cypher_ms, want = median_ms(lambda: walks.health(store, top.root, month),
                                    args.runs)
        build_ms, snap = median_ms(lambda: snapshot.build(store), 1)
        save_ms, where = median_ms(lambda: snapshot.save(snap, data / "bench-snap"), 1)
        open_ms, mapped = median_ms(lambda: snapshot.open(where), args.runs)
        snap_ms, got = median_ms(lambda: health_from(mapped, top.root, month),
                                 args.runs)
        assert replace(got, data_version=None) == want, "the answers differ"
        print(f"downline health, Cypher (2 walks):  {cypher_ms:9.1f} ms (median of "
              f"{args.runs})")
        print(f"downline health, snapshot (mapped): {snap_ms:9.1f} ms (median of "
              f"{args.runs}); equal answers, data version {got.data_version}")
        print(f"snapshot build {build_ms:.0f} ms, save {save_ms:.0f} ms, "
              f"open (map) {open_ms:.2f} ms; {snap.members} members, "
              f"{len(snap.p_at)} purchases")

if __name__ == "__main__":
    main()
