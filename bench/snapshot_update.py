"""The snapshot after a small load: updated from the last one against built in full.

``python bench/snapshot_update.py --members N`` loads the synthetic network (or, with
``--data DIR``, uses a data dir that holds one already: give it a copy, the load writes
into it), saves its snapshot (a full build), then loads about 1% more rows: new members
under old ones, trust, shares, clicks and orders among old and new members, and 1% of
the old orders sent again, half of them refunded. It times ``snapshot.update`` (what
the load's end runs) against ``snapshot.build`` of the same store, the anchor, and
checks that the two are equal, array for array. Issue 14's goal: the update in at most
5 s at 1,000,000 members.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from loaded import loaded_network  # bench/loaded.py: python bench/<script>.py

from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.server import EmbeddedServer
from refnet.loaders import load, privacy
from refnet.queries import snapshot
from refnet.queries.snapshot.columns import ARRAYS, TABLES

HASHER = privacy.keyed_hasher(b"bench")


def more_rows(files: Path, out: Path, share: float = 0.01, seed: int = 1) -> list[Path]:
    """About ``share`` more rows than ``files`` hold, as canonical CSV files in ``out``."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.graphs import Network  # the tests' canonical writer

    rng = random.Random(seed)
    with open(files / "members.csv", newline="", encoding="utf-8") as fh:
        old = [r["member_id"] for r in csv.DictReader(fh)]
    with open(files / "products.csv", newline="", encoding="utf-8") as fh:
        products = [r["product_id"] for r in csv.DictReader(fh)][:50]
    n = max(int(len(old) * share), 10)
    net = Network()
    under = rng.sample(old, min(2 * n, len(old)))
    new = [f"x{i:07d}" for i in range(n)]
    for i, m in enumerate(new):  # two in three under an old member, the rest chained
        net.member(m, under[i % len(under)] if i % 3 or not i else new[i - 1], day=400)
    people = under + new
    for _ in range(3 * n):
        net.trust(rng.choice(people), rng.choice(people), rng.random(), day=400)
    for k in range(n + n // 2):
        net.share(f"sx{k:07d}", rng.choice(people), rng.choice(products), day=400)
    for _ in range(4 * n):
        net.click(rng.choice(people), f"sx{rng.randrange(n + n // 2):07d}", day=401)
    for k in range(n):
        net.purchase(f"ox{k:07d}", product=rng.choice(products), amount=1000, day=402,
                     buyer=rng.choice(people), promoter=rng.choice(people), commission=100)
    net.rows["products"] = []  # the old products (Network.purchase adds rows for them)
    paths = net.write(out)
    with open(files / "purchases.csv", newline="", encoding="utf-8") as fh:
        again = [r for _, r in zip(range(n), csv.DictReader(fh), strict=False)]
    with open(out / "purchases_again.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(again[0]))
        writer.writeheader()
        for i, row in enumerate(again):
            writer.writerow({**row, "status": "refunded" if i % 2 else row["status"]})
    return [*paths, out / "purchases_again.csv"]


def run(config: Config, files: Path) -> None:
    data = config.data_dir
    with open_store(config) as store, tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        old = snapshot.current(store, data)
        print(f"{old.members:,} members: the snapshot before the load (mapped, or built in "
              f"full and saved) {time.perf_counter() - started:.1f} s", flush=True)
        paths = more_rows(files, Path(tmp))
        started = time.perf_counter()
        report = load.load_paths(store, paths, hasher=HASHER, snapshot=False)
        touched = report.touched
        assert touched is not None and not touched.too_many, "no record of what it touched"
        keys = {k: len(getattr(touched, k)) for k in snapshot.update.__globals__["KINDS"]}
        print(f"load of {report.records:,} more rows: {time.perf_counter() - started:.1f} s; "
              f"keys touched {keys}", flush=True)
        started = time.perf_counter()
        got = snapshot.update(old, store, touched)
        update_s = time.perf_counter() - started
        started = time.perf_counter()
        want = snapshot.build(store)
        build_s = time.perf_counter() - started
        same = all(getattr(got, t) == getattr(want, t) for t in ("version", "latest", *TABLES))
        same = same and all(_equal(np.asarray(getattr(got, a)), np.asarray(getattr(want, a)))
                            for a in ARRAYS)
        print(f"update {update_s:.2f} s, build {build_s:.1f} s ({build_s / update_s:.0f}x); "
              f"equal: {same}", flush=True)


def _equal(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--data", type=Path, help="a loaded data dir (a copy: it is written)")
    parser.add_argument("--files", type=Path, help="the files it was loaded from")
    args = parser.parse_args()
    if args.data is None:
        with loaded_network(args.members, "refnet-bench-update-") as (config, files, _):
            run(config, files)
        return
    config = Config.from_env(env={}, data_dir=args.data)
    server = EmbeddedServer(config)
    server.start()
    try:
        run(config, args.files)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
