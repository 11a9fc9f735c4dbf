"""Loads that run in the background, watched through their ``(:LoadRun)``.

A load is minutes of CPU-bound Python. Run inside an API worker it would starve that
worker's requests (one GIL) and die with it on a restart, so ``start`` only plans the
files (an unknown profile or a missing file is refused at once), records the run as
``queued`` and hands it to its own process (``python -m refnet.loaders.jobs SPEC``).
That process loads, writes how far it has read onto the run every few seconds (its
heartbeat), and records how it ended (``finished`` or ``failed`` with the error). Its
output goes to ``<data dir>/loads/<load id>.log`` and its quarantine file beside it.

The same files always get the same load id. A lock per load id, taken by ``start``
and handed to the process, which holds it until it exits, makes a second start of a
running load return that run instead of a second writer. A run whose process was
killed reads ``stopped`` once its heartbeat is a minute old; starting it again resumes
it (loads are idempotent).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refnet.graph import times
from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.store import GraphStore

from . import load, privacy
from . import profiles as profile_registry

__all__ = ["Started", "loads_dir", "main", "start"]

_CONFIG_FIELDS = ("backend", "data_dir", "graph", "fsync", "neo4j_uri", "neo4j_user",
                  "neo4j_database")


@dataclass(frozen=True)
class Started:
    load_id: str
    started: bool  # False: these files were already loading; nothing new was started


def loads_dir(config: Config) -> Path:
    """Where background loads keep their specs, logs, locks and quarantine files."""
    path = Path(config.data_dir) / "loads"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def start(store: GraphStore, config: Config, paths: Sequence[Path], *, profile: str = "auto",
          max_bad: int | float | None = None, profile_dirs: Iterable[Path] = ()) -> Started:
    """Plan the files, record the run as queued and start its process."""
    dirs = [str(p) for p in profile_dirs]
    plan = load.plan_files(paths, profile_registry.load_profiles(dirs), profile)
    run_id = load.load_id([p for p, *_ in plan])
    where = loads_dir(config)
    lock = os.open(where / f"{run_id}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not _take(lock):
            return Started(run_id, started=False)
        report = load.LoadReport(run_id, files=[
            load.FileReport(str(path), prof.name, detected) for path, _, prof, detected in plan])
        load.record_run(store, report, times.now_ms(), "queued")
        spec = {"paths": [str(p) for p in paths], "profile": profile, "max_bad": max_bad,
                "profile_dirs": dirs, "lock_fd": lock,
                "config": {f: str(getattr(config, f)) for f in _CONFIG_FIELDS}}
        spec_path = where / f"{run_id}.json"
        spec_path.write_text(json.dumps(spec, ensure_ascii=False))
        _spawn(spec_path, where / f"{run_id}.log", lock, config)
        return Started(run_id, started=True)
    finally:
        os.close(lock)  # the process holds its own copy of the locked descriptor


def _take(lock: int, wait_s: float = 2.0) -> bool:
    """Take the files' lock, waiting up to ``wait_s`` for it: a load that has recorded
    its run as finished still holds the lock while its process closes the store and
    exits, and a client that starts the same files again on seeing "finished" should
    get a new run, not be told they are still loading."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def _spawn(spec_path: Path, log_path: Path, lock: int, config: Config) -> None:
    env = dict(os.environ)
    if config.neo4j_password:  # handed over in the environment, never written to disk
        env["NEO4J_PASSWORD"] = config.neo4j_password
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "refnet.loaders.jobs", str(spec_path)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
            pass_fds=(lock,), start_new_session=True, close_fds=True)
    # Collect its exit status so a finished load leaves no zombie in the worker.
    threading.Thread(target=process.wait, name="refnet-load-reaper", daemon=True).start()


def run_spec(spec: dict[str, Any]) -> load.LoadReport:
    """Run one background load as its spec describes (in the load's own process)."""
    config = Config.from_env(**spec["config"])
    paths = [Path(p) for p in spec["paths"]]
    profile_dirs = [Path(p) for p in spec["profile_dirs"]]
    plan = load.plan_files(paths, profile_registry.load_profiles(profile_dirs), spec["profile"])
    with open_store(config) as store:
        return load.load_paths(
            store, paths, plan=plan, hasher=privacy.hasher_for(config.data_dir),
            max_bad=spec["max_bad"], quarantine_dir=loads_dir(config), snapshot=False)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m refnet.loaders.jobs SPEC``: the background load's process."""
    spec_path = Path((argv if argv is not None else sys.argv[1:])[0])
    spec = json.loads(spec_path.read_text())
    started = times.iso(times.now_ms())
    print(f"{started} load {spec_path.stem}: {', '.join(spec['paths'])}", flush=True)
    try:
        report = run_spec(spec)
    except Exception as e:  # recorded on the run by load_paths; the log keeps the detail
        print(f"failed: {type(e).__name__}: {e}", flush=True)
        raise
    finally:
        os.close(spec["lock_fd"])  # the lock guards the writes; the snapshot only reads
    print(f"finished: {report.records:,} records in {report.seconds:.1f} s, "
          f"{report.bad:,} quarantined", flush=True)
    with open_store(Config.from_env(**spec["config"])) as store:
        load.build_snapshot(store, touched=report.touched)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
