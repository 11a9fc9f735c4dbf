"""The compliance report (cn, 365 days): the Cypher oracle against the analytic snapshot.

Generates a synthetic network (``refnet generate``'s generator), loads it into a fresh
embedded store, then times the whole-network report and the largest organization's
(median of ``--runs``): the Cypher aggregations (``tests/oracle/compliance``) unless
``--no-cypher``, and ``report_from`` on the mapped snapshot; checks the answers equal,
and prints where the snapshot's time goes (``--profile``).

``--files`` skips the store: the snapshot's columns are made straight from the
generated CSV files (what the load would hold, stubs for unknown promoters and
buyers included), so the report can be timed at 1M members where a load on a shared
machine takes most of an hour; no Cypher answer to compare with then.

    python bench/snapshot_compliance.py --members 100000
    python bench/snapshot_compliance.py --members 1000000 --files
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import pstats
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
from loaded import loaded_network, median_ms, oracle  # bench/loaded.py: python bench/<script>.py

from refnet.graph.connect import open_store
from refnet.loaders import synthetic
from refnet.queries import network, snapshot
from refnet.queries import window as windows
from refnet.queries.compliance import policy
from refnet.queries.compliance.report import report_from
from refnet.queries.snapshot import NONE, Snapshot
from refnet.queries.snapshot.forest import first_referrals, preorder
from refnet.queries.window import Window


def _ms(text: str) -> int:
    return NONE if not text else int(datetime.fromisoformat(text.replace("Z", "+00:00"))
                                      .timestamp() * 1000)


def from_files(files: Path) -> Snapshot:
    """The snapshot's member and purchase columns from the canonical CSV files."""
    with open(files / "members.csv", newline="", encoding="utf-8") as fh:
        members = list(csv.DictReader(fh))
    with open(files / "products.csv", newline="", encoding="utf-8") as fh:
        entry = {r["product_id"]: r["entry_package"] == "true" for r in csv.DictReader(fh)}
    with open(files / "purchases.csv", newline="", encoding="utf-8") as fh:
        purchases = list(csv.DictReader(fh))
    ids = sorted({r["member_id"] for r in members}
                 | {r[k] for r in purchases for k in ("buyer_id", "promoter_id") if r[k]})
    index = {m: i for i, m in enumerate(ids)}
    n = len(ids)
    joined = np.full(n, NONE, dtype=np.int64)
    statuses: dict[str, int] = {}
    m_status = np.full(n, -1, dtype=np.int32)
    m_status[:] = statuses.setdefault("stub", 0)
    referrals = []
    for r in members:
        i = index[r["member_id"]]
        joined[i] = _ms(r["joined_at"])
        m_status[i] = statuses.setdefault(r["status"], len(statuses))
        if r["referrer_id"]:
            referrals.append((i, index.get(r["referrer_id"], -1), int(joined[i])))
    child, parent, when = (np.array(c, dtype=np.int64).reshape(-1)
                           for c in zip(*referrals, strict=True)) if referrals else (
        np.zeros(0, dtype=np.int64),) * 3
    par, ref_at, xc, xp, xa = first_referrals(n, child, parent, when)
    order, parent, root, depth, size = preorder(par)
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n)
    p_statuses: dict[str, int] = {}

    def member(text: str) -> int:
        return int(pos[index[text]]) if text else -1

    buyer = np.array([member(r["buyer_id"]) for r in purchases], dtype=np.int64)
    promoter = np.array([member(r["promoter_id"]) for r in purchases], dtype=np.int64)
    by = np.argsort(promoter, kind="stable")
    column = {
        "p_amount": [int(r["amount"] or 0) for r in purchases],
        "p_commission": [int(r["commission"] or 0) for r in purchases],
        "p_at": [_ms(r["at"]) for r in purchases],
    }
    status = np.array([p_statuses.setdefault(r["status"], len(p_statuses)) for r in purchases],
                      dtype=np.int8)
    p_entry = np.array([int(entry[r["product_id"]]) for r in purchases], dtype=np.int8)
    sorted_ids = np.array(ids, dtype=str)[order]
    empty32, empty64 = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
    return Snapshot(
        version="files", latest=int(max(joined.max(), max(column["p_at"]))),
        statuses=tuple(p_statuses), member_statuses=tuple(statuses), tiers=(), channels=(),
        ids=sorted_ids, joined_at=joined[order], ref_at=ref_at[order],
        parent=parent.astype(np.int32), root=root.astype(np.int32),
        depth=depth.astype(np.int32), size=size.astype(np.int32),
        id_order=np.argsort(sorted_ids, kind="stable").astype(np.int32),
        m_status=m_status[order], m_tier=np.full(n, -1, dtype=np.int32),
        x_child=pos[np.array(xc, dtype=np.int64)].astype(np.int32),
        x_parent=pos[np.array(xp, dtype=np.int64)].astype(np.int32),
        x_at=np.array(xa, dtype=np.int64),
        t_src=empty32, t_dst=empty32, t_weight=np.zeros(0), t_since=empty64,
        s_promoter=empty32, s_at=empty64, s_channel=empty32, s_key=np.zeros(0, dtype="S1"),
        c_share=empty32, c_viewer=empty32, c_at=empty64,
        p_buyer=buyer[by].astype(np.int32), p_promoter=promoter[by].astype(np.int32),
        p_share=np.full(len(by), -1, dtype=np.int32),
        **{k: np.array(v, dtype=np.int64)[by] for k, v in column.items()},
        p_status=status[by], p_entry=p_entry[by],
        p_key=np.array([r["order_id"].encode() for r in purchases], dtype="S")[by],
        by_buyer=np.argsort(buyer[by], kind="stable").astype(np.int32),
    )


def files_only(args: argparse.Namespace) -> None:
    kept = Path(args.keep) if args.keep else None
    if kept is not None and (kept / "meta.json").is_file():
        snap = snapshot.open(kept)
        print(f"{snap.members:,} members, {len(snap.p_at):,} purchases; mapped from {kept}")
    else:
        with tempfile.TemporaryDirectory(prefix="refnet-compliance-files-") as tmp:
            started = time.perf_counter()
            synthetic.generate(args.members, Path(tmp), synthetic.DEFAULT_SEED)
            snap = from_files(Path(tmp))
            print(f"{snap.members:,} members, {len(snap.p_at):,} purchases; generated and "
                  f"read in {time.perf_counter() - started:,.0f} s")
        if kept is not None:
            snap = snapshot.open(snapshot.save(snap, kept))
    cn = policy.load("cn")
    assert snap.latest is not None
    year = Window.days_before(snap.latest, 365)
    roots = np.flatnonzero(np.asarray(snap.parent) < 0)
    size = np.asarray(snap.size)
    top = str(snap.ids[roots[np.argmax(size[roots])]])
    # the team an organizer's key asks about: the downline closest to --team members
    # (its size counts the organizer too), the smallest id among equals
    team = str(min(snap.ids[np.flatnonzero(np.abs(size - 1 - args.team)
                                           == np.abs(size - 1 - args.team).min())]))
    for label, root in (("whole network", None), ("largest tree", top),
                        (f"{args.team:,}-member team", team)):
        snap_ms, got = median_ms(lambda r=root: report_from(  # type: ignore[misc]
            snap, cn, year, root_id=r), args.runs)
        print(f"compliance cn, {label}: snapshot {snap_ms:9.1f} ms (median of {args.runs}; "
              f"{len(got.flags):,} flags, {got.totals.members:,} members)")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(report_from, snap, cn, year)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-cypher", action="store_true", help="time the snapshot only")
    ap.add_argument("--profile", action="store_true", help="profile one whole-network report")
    ap.add_argument("--team", type=int, default=1_000,
                    help="with --files: also time the downline of about this many members")
    ap.add_argument("--files", action="store_true",
                    help="columns straight from the generated files, no store")
    ap.add_argument("--keep", metavar="DIR",
                    help="with --files: save the columns there, or map them when saved")
    args = ap.parse_args()
    if args.files:
        files_only(args)
        return
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
