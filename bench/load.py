"""Load benchmark: generate a synthetic network, load it into a fresh embedded store.

Reports rows/s end to end (parse + write) for an empty graph and for a second load
of the same files into the full graph (the MERGE path), beside an anchor measured
in the same run on the same server: the same number of rows written as bare
``UNWIND ... CREATE`` batches, the ceiling of the store's write path. Figures are
given as ratios to that anchor because these machines are noisy.

    python bench/load.py --members 100000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from refnet.api import render
from refnet.graph.config import Config
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.graph.server import EmbeddedServer
from refnet.loaders import load, privacy, synthetic

HERE = Path(__file__).parent
console = Console()


def timed_load(store: FalkorDBStore, directory: Path, label: str) -> load.LoadReport:
    with render.progress_bar(console) as bar:
        task = bar.add_task(label, total=None)
        return load.load_paths(
            store, [directory], hasher=privacy.keyed_hasher(b"bench"),
            progress=lambda _name, records: bar.update(task, advance=records),
        )


def anchor(store: FalkorDBStore, rows: int, batch: int = load.BATCH_SIZE) -> float:
    """Seconds to CREATE ``rows`` bare nodes in batches, the write path's ceiling."""
    text = (HERE / "baseline_create.cypher").read_text()
    started = time.perf_counter()
    with render.progress_bar(console) as bar:
        task = bar.add_task("anchor", total=rows)
        for start in range(0, rows, batch):
            chunk = [{"v": i} for i in range(start, min(rows, start + batch))]
            store.execute(text, {"rows": chunk}, write=True)
            bar.update(task, advance=len(chunk))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="refnet-bench-") as tmp:
        files, data = Path(tmp) / "files", Path(tmp) / "data"
        started = time.perf_counter()
        stats = synthetic.generate(args.members, files, args.seed)
        generate_s = time.perf_counter() - started

        config = Config.from_env(env={}, data_dir=data)
        server = EmbeddedServer(config)
        info = server.start()
        try:
            with FalkorDBStore(config, info.socket) as store:
                empty = timed_load(store, files, "empty")
                merge = timed_load(store, files, "merge")
            bench_config = Config.from_env(env={}, data_dir=data, graph="bench_anchor")
            with FalkorDBStore(bench_config, info.socket) as bench_store:
                anchor_s = anchor(bench_store, empty.records)
        finally:
            server.stop()

    rows = empty.records
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "members": args.members,
        "rows": rows,
        "generate_s": round(generate_s, 2),
        "load_empty_s": round(empty.seconds, 2),
        "load_merge_s": round(merge.seconds, 2),
        "anchor_create_s": round(anchor_s, 2),
        "empty_rows_per_s": round(rows / empty.seconds),
        "merge_rows_per_s": round(rows / merge.seconds),
        "anchor_rows_per_s": round(rows / anchor_s),
        "empty_vs_anchor": round(empty.seconds / anchor_s, 2),
        "merge_vs_anchor": round(merge.seconds / anchor_s, 2),
        "max_depth": stats.max_depth,
    }
    table = Table(title=f"Load benchmark: {args.members:,} members, {rows:,} rows")
    for column in ("run", "time", "rows/s", "× anchor time"):
        table.add_column(column, justify="left" if column == "run" else "right")
    table.add_row("generate (CSV)", f"{generate_s:,.1f} s", "", "")
    table.add_row("load into empty graph", f"{empty.seconds:,.1f} s",
                  f"{result['empty_rows_per_s']:,}", f"{result['empty_vs_anchor']:.2f}")
    table.add_row("load again (MERGE path)", f"{merge.seconds:,.1f} s",
                  f"{result['merge_rows_per_s']:,}", f"{result['merge_vs_anchor']:.2f}")
    table.add_row("anchor: bare CREATE", f"{anchor_s:,.1f} s",
                  f"{result['anchor_rows_per_s']:,}", "1.00")
    console.print(table)
    out = HERE / "results" / f"load-{args.members}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    console.print(f"saved {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
