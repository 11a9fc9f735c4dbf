"""Conversion (every split) and the network summary: the Cypher oracle against the snapshot.

Generates a synthetic network (``refnet generate``'s generator), loads it into a fresh
embedded store, then times (median of ``--runs``) each conversion split over the last
90 days, a team's report on the largest organization, and the network summary: the
Cypher answer the snapshot replaced (``tests/oracle``, skipped with ``--no-cypher``) and
the answer from the mapped snapshot, checking the two are equal. The snapshot's first
conversion answer also builds what does not depend on the window (``columns._facts``);
that is timed apart.

``--tile K`` then times the snapshot answers on K copies of the snapshot side by side
(K disjoint networks, ids suffixed): a 1M-member snapshot from a 100k load, without
loading 1M members into the store (hours on these machines).

    python bench/snapshot_conversion.py --members 100000
    python bench/snapshot_conversion.py --members 100000 --no-cypher --tile 10
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np
from loaded import (  # bench/loaded.py: run as python bench/<script>.py
    loaded_network,
    median_ms,
    oracle,
)

from refnet.graph.connect import open_store
from refnet.graph.errors import RefnetError
from refnet.queries import snapshot
from refnet.queries import window as windows
from refnet.queries.conversion.funnel import funnel_from
from refnet.queries.network import summary_from

GROUPS = ("trust", "level", "channel", "promoter")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cypher-runs", type=int, default=1)
    ap.add_argument("--no-cypher", action="store_true", help="Time the snapshot only.")
    ap.add_argument("--keep", type=Path, help="Also save the snapshot here.")
    ap.add_argument("--tile", type=int, default=0, help="Also time K copies side by side.")
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
        if args.tile > 1:
            big = snapshot.open(snapshot.save(tile(mapped, args.tile), data / "bench-tiled"))
            snapshot_only(big, args.runs)


def snapshot_only(snap: snapshot.Snapshot, runs: int) -> None:
    """Time every split, a team's report and the summary on ``snap`` alone."""
    end = int(np.asarray(snap.p_at).max())
    quarter = windows.Window.days_before(end, 90)
    print(f"{snap.members} members (tiled): {len(snap.s_at)} shares, {len(snap.c_at)} clicks, "
          f"{len(snap.p_at)} purchases, {len(snap.t_src)} trust edges")
    first_ms, _ = median_ms(lambda: funnel_from(snap, quarter, group_by="trust"), 1)
    print(f"first conversion answer (builds the window-free facts): {first_ms:.0f} ms")
    for g in GROUPS:
        ms, _ = median_ms(lambda g=g: funnel_from(snap, quarter, group_by=g), runs)
        print(f"conversion by {g:34s} snapshot {ms:9.1f} ms", flush=True)
    top = summary_from(snap, top=1).largest[0]
    ms, _ = median_ms(lambda: funnel_from(snap, quarter, group_by="level", root_id=top.root),
                      runs)
    print(f"conversion by level, team of {top.members:<12d} snapshot {ms:9.1f} ms")
    ms, _ = median_ms(lambda: summary_from(snap), runs)
    print(f"{'network summary':40s} snapshot {ms:9.1f} ms")


def tile(snap: snapshot.Snapshot, k: int) -> snapshot.Snapshot:
    """``k`` copies of ``snap`` side by side: positions and share indexes offset per copy
    (a -1 stays -1), ids suffixed ``~i``; the id order and ``by_buyer`` recomputed."""
    n, shares = snap.members, len(snap.s_at)
    offsets = {name: n for name in ("parent", "root", "x_child", "x_parent", "t_src", "t_dst",
                                    "s_promoter", "c_viewer", "p_buyer", "p_promoter")}
    offsets.update(c_share=shares, p_share=shares)
    out: dict[str, Any] = {}
    for f in fields(snapshot.Snapshot):
        value = getattr(snap, f.name)
        if not isinstance(value, np.ndarray) or f.name in ("id_order", "by_buyer"):
            out[f.name] = value
        elif f.name == "ids":
            out[f.name] = np.concatenate([np.char.add(value.astype(str), f"~{i}")
                                          for i in range(k)])
        else:
            step = offsets.get(f.name, 0)
            out[f.name] = np.concatenate(
                [np.where(value >= 0, value + i * step, value).astype(value.dtype) if step
                 else np.asarray(value) for i in range(k)])
    out["version"] = f"{snap.version}x{k}"
    out["id_order"] = np.argsort(out["ids"], kind="stable").astype(np.int32)
    out["by_buyer"] = np.argsort(out["p_buyer"], kind="stable").astype(np.int32)
    return snapshot.Snapshot(**out)


if __name__ == "__main__":
    main()
