"""Load benchmark: generate a synthetic network, load it into a fresh embedded store.

Reports rows/s end to end (parse + validate + write) for an empty graph and for a
second load of the same files into the full graph (the MERGE path), beside two
anchors measured in the same run on the same server, each into a graph of its own:

- FalkorDB's own bulk importer (``falkordb-bulk-insert``) loading the same rows,
  converted beforehand into its typed CSVs (it cannot validate or merge);
- the same number of rows written as bare ``UNWIND ... CREATE`` batches, the
  ceiling of the store's query write path.

Figures are given as ratios to the anchors because these machines are noisy. The
network is generated in a child process, so the resident size sampled over each
load (every 0.2 s) is the loader's own.

    python bench/load.py --members 100000
    python bench/load.py --members 100000 --backend neo4j   # and Neo4j 5.26 beside it

``--backend neo4j`` loads the same files into Neo4j 5.26 too (the tests' in-process
server, tests/neo4j: 4 GB heap, 2 GB page cache), after the FalkorDB runs, with the bare
``UNWIND ... CREATE`` anchor on Neo4j (it has no bulk importer for a live database).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import bulk_anchor
import redis
from loaded import HASHER, neo4j_server  # bench/loaded.py: run as python bench/<script>.py
from rich.console import Console
from rich.table import Table

from refnet.api import render
from refnet.graph.config import Config
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.graph.server import EmbeddedServer
from refnet.loaders import load, synthetic

HERE = Path(__file__).parent
console = Console()
MIB = 1 << 20


def rss() -> int:
    """This process's resident size in bytes (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class RssSampler:
    """Samples the resident size on a thread while a load runs."""

    interval: float = 0.2
    samples: list[tuple[float, int]] = field(default_factory=list)

    def __enter__(self) -> RssSampler:
        self._stop = threading.Event()
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while True:
            self.samples.append((time.perf_counter() - self._started, rss()))
            if self._stop.wait(self.interval):
                return

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.perf_counter() - self._started, rss()))

    def summary(self) -> dict[str, float]:
        """Start, peak and end, and the peak over the first and the last quarter (MiB)."""
        values = [v for _, v in self.samples]
        quarter = max(1, len(values) // 4)
        return {
            "start_mib": round(values[0] / MIB, 1),
            "peak_mib": round(max(values) / MIB, 1),
            "end_mib": round(values[-1] / MIB, 1),
            "peak_first_quarter_mib": round(max(values[:quarter]) / MIB, 1),
            "peak_last_quarter_mib": round(max(values[-quarter:]) / MIB, 1),
            "samples": len(values),
        }


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) of this process, or of process ``pid`` (Linux)."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    t = os.times()
    return t.children_user + t.children_system


@dataclass
class CpuMeter:
    """CPU seconds spent by this process (or its children) and by the server, over a block."""

    server_pid: int
    children: bool = False
    own_s: float = 0.0
    server_s: float = 0.0

    def _own(self) -> float:
        return children_cpu_seconds() if self.children else cpu_seconds()

    def __enter__(self) -> CpuMeter:
        self._start = (self._own(), cpu_seconds(self.server_pid))
        return self

    def __exit__(self, *exc: object) -> None:
        self.own_s = round(self._own() - self._start[0], 1)
        self.server_s = round(cpu_seconds(self.server_pid) - self._start[1], 1)


def timed_load(store: FalkorDBStore, directory: Path, label: str, server_pid: int
               ) -> tuple[load.LoadReport, RssSampler, CpuMeter, dict[str, float], float]:
    """One load, with its resident size sampled, CPU counted, query time per query
    (``run`` and ``columns``) and the seconds of its last stage, the snapshot build
    (``LoadReport.seconds`` ends before it)."""
    per_query: dict[str, float] = {}
    real_run, real_columns = store.run, store.columns
    snapshot_started: list[float] = []

    def run(name: str, params: object = None, **kw: object) -> object:
        result = real_run(name, params, **kw)  # type: ignore[arg-type]
        per_query[name] = per_query.get(name, 0.0) + result.elapsed_ms / 1000
        return result

    def columns(name: str, params: object = None, **kw: object) -> object:
        started = time.perf_counter()
        result = real_columns(name, params, **kw)  # type: ignore[arg-type]
        per_query[name] = per_query.get(name, 0.0) + time.perf_counter() - started
        return result

    def progress(stage: str, records: int) -> None:
        if stage == "snapshot" and not snapshot_started:
            snapshot_started.append(time.perf_counter())
        bar.update(task, advance=records)

    store.run = run  # type: ignore[method-assign]
    store.columns = columns  # type: ignore[method-assign]
    try:
        with (render.progress_bar(console) as bar, RssSampler() as sampler,
              CpuMeter(server_pid) as cpu):
            task = bar.add_task(label, total=None)
            report = load.load_paths(
                store, [directory], hasher=HASHER, progress=progress)
            ended = time.perf_counter()
    finally:
        del store.run, store.columns
    snapshot_s = ended - snapshot_started[0] if snapshot_started else 0.0
    return report, sampler, cpu, {k: round(v, 1) for k, v in sorted(
        per_query.items(), key=lambda kv: -kv[1])}, snapshot_s


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


def no_more_rewrites(socket: str) -> None:
    """Let a running AOF rewrite finish and start no more before the anchors run.

    A 1M-member run failed in the bulk anchor with "BUSY preparing to fork": the
    server forked for a rewrite of the AOF the loads had grown, in the middle of the
    import. The loads above ran with rewrites on, as a user's would; the anchors,
    which only set the scale, run without them.
    """
    client = redis.Redis(unix_socket_path=socket)
    try:
        client.config_set("auto-aof-rewrite-percentage", 0)
        while True:
            state = client.info("persistence")
            if not (state["aof_rewrite_in_progress"] or state["aof_rewrite_scheduled"]):
                return
            time.sleep(0.5)
    finally:
        client.close()


def generate(members: int, out: Path, seed: int) -> tuple[float, int]:
    """Generate the network in a child process: seconds, and the deepest referral chain."""
    code = ("import sys; from pathlib import Path; from refnet.loaders import synthetic; "
            "s = synthetic.generate(int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])); "
            "print(s.max_depth)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, str(members), str(out), str(seed)],
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - started, int(done.stdout.split()[-1])


def neo4j_loads(files: Path, data: Path) -> dict[str, object]:
    """The same two loads and the bare CREATE anchor on Neo4j 5.26, started here."""
    from refnet.graph.neo4j_store import Neo4jStore

    console.print("starting Neo4j 5.26 ...")
    with neo4j_server(data) as (config, pid), Neo4jStore(config) as store:
        store.ensure_schema()
        runs = {key: timed_load(store, files, f"neo4j {key}", pid)  # type: ignore[arg-type]
                for key in ("empty", "merge")}
        store.clear()  # the anchor writes into an empty database, as on FalkorDB
        anchor_s = anchor(store, runs["empty"][0].records)  # type: ignore[arg-type]
    out: dict[str, object] = {"server": "Neo4j 5.26 community (tests/neo4j)",
                              "uri": config.neo4j_uri,
                              "anchor_create_s": round(anchor_s, 2)}
    for key, (report, sampler, cpu, queries, snap) in runs.items():
        out[f"load_{key}_s"] = round(report.seconds, 2)
        out[f"{key}_rows_per_s"] = round(report.records / report.seconds)
        out[f"snapshot_{key}_s"] = round(snap, 2)
        out[f"rss_{key}"] = sampler.summary()
        out[f"cpu_{key}"] = {"loader_s": cpu.own_s, "server_s": cpu.server_s}
        out[f"query_s_{key}"] = queries
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    parser.add_argument("--note", default="", help="a label for the results file")
    parser.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded",
                        help="neo4j: load into Neo4j 5.26 as well, beside FalkorDB")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="refnet-bench-") as tmp:
        files, data, bulk = Path(tmp) / "files", Path(tmp) / "data", Path(tmp) / "bulk"
        generate_s, max_depth = generate(args.members, files, args.seed)
        started = time.perf_counter()
        bulk_rows = bulk_anchor.convert(files, bulk)
        convert_s = time.perf_counter() - started

        config = Config.from_env(env={}, data_dir=data)
        server = EmbeddedServer(config)
        info = server.start()
        try:
            with FalkorDBStore(config, info.socket) as store:
                empty, empty_rss, empty_cpu, empty_q, empty_snap = timed_load(
                    store, files, "empty", info.pid)
                merge, merge_rss, merge_cpu, merge_q, merge_snap = timed_load(
                    store, files, "merge", info.pid)
            no_more_rewrites(info.socket)
            bench_config = Config.from_env(env={}, data_dir=data, graph="bench_anchor")
            with FalkorDBStore(bench_config, info.socket) as bench_store:
                anchor_s = anchor(bench_store, empty.records)
            with (console.status("anchor: falkordb-bulk-insert"),
                  CpuMeter(info.pid, children=True) as bulk_cpu):
                bulk_s = bulk_anchor.run(bulk, info.socket, "bench_bulk")
        finally:
            server.stop()
        neo4j = neo4j_loads(files, Path(tmp) / "neo4j") if args.backend == "neo4j" else None

    rows = empty.records
    if bulk_rows != rows:
        raise SystemExit(f"the bulk anchor read {bulk_rows:,} rows, the load {rows:,}")
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "note": args.note,
        "members": args.members,
        "rows": rows,
        "generate_s": round(generate_s, 2),
        "load_empty_s": round(empty.seconds, 2),
        "load_merge_s": round(merge.seconds, 2),
        "bulk_convert_s": round(convert_s, 2),
        "bulk_insert_s": round(bulk_s, 2),
        "anchor_create_s": round(anchor_s, 2),
        "empty_rows_per_s": round(rows / empty.seconds),
        "merge_rows_per_s": round(rows / merge.seconds),
        "bulk_rows_per_s": round(rows / bulk_s),
        "anchor_rows_per_s": round(rows / anchor_s),
        "empty_vs_bulk": round(empty.seconds / bulk_s, 2),
        "merge_vs_bulk": round(merge.seconds / bulk_s, 2),
        "empty_vs_anchor": round(empty.seconds / anchor_s, 2),
        "merge_vs_anchor": round(merge.seconds / anchor_s, 2),
        # the load's last stage, the analytic snapshot build (not in load_*_s), as a
        # ratio to the load before it (issue 14 asks <= 0.25 after a fresh load)
        "snapshot_empty_s": round(empty_snap, 2),
        "snapshot_merge_s": round(merge_snap, 2),
        "snapshot_vs_load_empty": round(empty_snap / empty.seconds, 2),
        "snapshot_vs_load_merge": round(merge_snap / merge.seconds, 2),
        "rss_empty": empty_rss.summary(),
        "rss_merge": merge_rss.summary(),
        # CPU seconds: the loader process (both its threads) and the server, per phase;
        # for the bulk anchor, the bulk-insert process and the server
        "cpu_empty": {"loader_s": empty_cpu.own_s, "server_s": empty_cpu.server_s},
        "cpu_merge": {"loader_s": merge_cpu.own_s, "server_s": merge_cpu.server_s},
        "cpu_bulk": {"bulk_insert_s": bulk_cpu.own_s, "server_s": bulk_cpu.server_s},
        # seconds from sending each query to having its result parsed, summed per query
        "query_s_empty": empty_q,
        "query_s_merge": merge_q,
        "max_depth": max_depth,
    }
    table = Table(title=f"Load benchmark: {args.members:,} members, {rows:,} rows")
    for column in ("run", "time", "rows/s", "× bulk loader", "× bare CREATE", "peak RSS"):
        table.add_column(column, justify="left" if column == "run" else "right")
    table.add_row("generate (CSV, child process)", f"{generate_s:,.1f} s", "", "", "", "")
    for name, report, sampler in (("load into empty graph", empty, empty_rss),
                                  ("load again (MERGE path)", merge, merge_rss)):
        table.add_row(name, f"{report.seconds:,.1f} s", f"{round(rows / report.seconds):,}",
                      f"{report.seconds / bulk_s:.2f}", f"{report.seconds / anchor_s:.2f}",
                      f"{sampler.summary()['peak_mib']:,.0f} MiB")
    for name, seconds, report in (("  then the snapshot build", empty_snap, empty),
                                  ("  then the snapshot build (again)", merge_snap, merge)):
        table.add_row(name, f"{seconds:,.1f} s", f"{seconds / report.seconds:.2f} × load",
                      "", "", "")
    table.add_row("anchor: falkordb-bulk-insert", f"{bulk_s:,.1f} s",
                  f"{result['bulk_rows_per_s']:,}", "1.00", f"{bulk_s / anchor_s:.2f}", "")
    table.add_row("  (its CSV conversion, not timed in)", f"{convert_s:,.1f} s", "", "", "", "")
    table.add_row("anchor: bare CREATE", f"{anchor_s:,.1f} s",
                  f"{result['anchor_rows_per_s']:,}", f"{anchor_s / bulk_s:.2f}", "1.00", "")
    if neo4j is not None:
        result["neo4j"] = neo4j
        for name, key in (("Neo4j: load into empty graph", "empty"),
                          ("Neo4j: load again (MERGE path)", "merge")):
            seconds = neo4j[f"load_{key}_s"]
            table.add_row(name, f"{seconds:,.1f} s", f"{round(rows / seconds):,}", "",
                          f"{seconds / neo4j['anchor_create_s']:.2f}",
                          f"{neo4j[f'rss_{key}']['peak_mib']:,.0f} MiB")
            table.add_row("  then the snapshot build", f"{neo4j[f'snapshot_{key}_s']:,.1f} s",
                          "", "", "", "")
        table.add_row("Neo4j anchor: bare CREATE", f"{neo4j['anchor_create_s']:,.1f} s",
                      f"{round(rows / neo4j['anchor_create_s']):,}", "", "1.00", "")
    console.print(table)
    for name in ("rss_empty", "rss_merge", "cpu_empty", "cpu_merge", "cpu_bulk",
                 "query_s_empty", "query_s_merge"):
        console.print(f"{name}: {result[name]}")
    out = HERE / "results" / f"load-{args.members}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    console.print(f"saved {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
