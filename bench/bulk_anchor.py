"""The bulk-loader anchor: the same rows through FalkorDB's own ``falkordb-bulk-insert``.

``convert`` turns the canonical files into the bulk loader's typed node and
relationship CSVs (one file per label and per relationship type, ``--enforce-schema``
headers), with the values already in the graph's form (times as epoch ms, money as
integers, a ``load_id`` on every element, as refnet writes them): the bulk loader
only packs and sends, it cannot validate, match or merge. ``run`` loads them into a
new graph on the same server, through its unix socket (the bulk loader takes a redis
URL, and ``unix://`` works, so the server needs no TCP port).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from refnet.loaders.canonical import parse_time

LOAD_ID = "load-bulkanchor00000"

# file -> header (bulk loader schema syntax); the label or type comes from -N / -R.
NODES = {
    "Member": ["id:ID(Member)", "platform:STRING", "joined_at:INT", "status:STRING",
               "tier:STRING", "load_id:STRING"],
    "Account": [":ID(Account)", "platform:STRING", "id:STRING", "load_id:STRING"],
    "Product": ["id:ID(Product)", "name:STRING", "category:STRING", "price:INT",
                "entry_package:BOOL", "load_id:STRING"],
    "Share": ["id:ID(Share)", "at:INT", "channel:STRING", "load_id:STRING"],
    "Purchase": ["id:ID(Purchase)", "at:INT", "amount:INT", "commission:INT",
                 "status:STRING", "load_id:STRING"],
}
RELATIONS = {  # file stem -> (type, start namespace, end namespace, extra columns)
    "REFERRED": ("REFERRED", "Member", "Member", ["at:INT", "source:STRING"]),
    "HAS_ACCOUNT": ("HAS_ACCOUNT", "Member", "Account", []),
    "TRUSTS": ("TRUSTS", "Member", "Member", ["weight:DOUBLE", "since:INT", "source:STRING"]),
    "SHARED": ("SHARED", "Member", "Share", []),
    "SHARE_OF": ("OF", "Share", "Product", []),
    "CLICKED": ("CLICKED", "Member", "Share", ["at:INT"]),
    "MADE": ("MADE", "Member", "Purchase", []),
    "PURCHASE_OF": ("OF", "Purchase", "Product", []),
    "ATTRIBUTED_TO": ("ATTRIBUTED_TO", "Purchase", "Member", []),
    "VIA": ("VIA", "Purchase", "Share", []),
}


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def _time(text: str) -> Any:
    return parse_time(text) if text else ""


def convert(canonical_dir: Path, out: Path) -> int:
    """Write the bulk loader's inputs for the canonical files; returns the rows read."""
    out.mkdir(parents=True, exist_ok=True)
    rows = 0
    with ExitStack() as stack:
        writers: dict[str, Any] = {}
        for name, header in NODES.items():
            f = stack.enter_context(open(out / f"{name}.csv", "w", newline="", encoding="utf-8"))
            writers[name] = csv.writer(f)
            writers[name].writerow(header)
        for name, (_type, start, end, extra) in RELATIONS.items():
            f = stack.enter_context(open(out / f"{name}.csv", "w", newline="", encoding="utf-8"))
            writers[name] = csv.writer(f)
            writers[name].writerow([f":START_ID({start})", f":END_ID({end})", *extra,
                                    "load_id:STRING"])
        w = writers
        for r in _rows(canonical_dir / "members.csv"):
            rows += 1
            joined = _time(r["joined_at"])
            w["Member"].writerow([r["member_id"], r["platform"], joined,
                                  r["status"] or "active", r["tier"], LOAD_ID])
            if r["referrer_id"]:
                w["REFERRED"].writerow([r["referrer_id"], r["member_id"], joined, "load",
                                        LOAD_ID])
        accounts: set[tuple[str, str]] = set()
        for r in _rows(canonical_dir / "accounts.csv"):
            rows += 1
            key = (r["platform"], r["account_id"])
            if key not in accounts:
                accounts.add(key)
                w["Account"].writerow([f"{key[0]}:{key[1]}", key[0], key[1], LOAD_ID])
            w["HAS_ACCOUNT"].writerow([r["member_id"], f"{key[0]}:{key[1]}", LOAD_ID])
        for r in _rows(canonical_dir / "products.csv"):
            rows += 1
            w["Product"].writerow([r["product_id"], r["name"], r["category"], r["price"],
                                   r["entry_package"] or "false", LOAD_ID])
        for r in _rows(canonical_dir / "trust.csv"):
            rows += 1
            w["TRUSTS"].writerow([r["src_id"], r["dst_id"], r["weight"], _time(r["since"]),
                                  r["source"], LOAD_ID])
        for r in _rows(canonical_dir / "shares.csv"):
            rows += 1
            w["Share"].writerow([r["share_id"], _time(r["at"]), r["channel"], LOAD_ID])
            w["SHARED"].writerow([r["promoter_id"], r["share_id"], LOAD_ID])
            w["SHARE_OF"].writerow([r["share_id"], r["product_id"], LOAD_ID])
        for r in _rows(canonical_dir / "clicks.csv"):
            rows += 1
            w["CLICKED"].writerow([r["viewer_id"], r["share_id"], _time(r["at"]), LOAD_ID])
        for r in _rows(canonical_dir / "purchases.csv"):
            rows += 1
            w["Purchase"].writerow([r["order_id"], _time(r["at"]), r["amount"],
                                    r["commission"], r["status"] or "paid", LOAD_ID])
            w["PURCHASE_OF"].writerow([r["order_id"], r["product_id"], LOAD_ID])
            for column, name, forward in (("buyer_id", "MADE", False),
                                          ("promoter_id", "ATTRIBUTED_TO", True),
                                          ("share_id", "VIA", True)):
                if r[column]:
                    pair = [r["order_id"], r[column]] if forward else [r[column], r["order_id"]]
                    w[name].writerow([*pair, LOAD_ID])
    return rows


def command(directory: Path, socket: str, graph: str) -> list[str]:
    exe = shutil.which("falkordb-bulk-insert")
    argv = [exe] if exe else [sys.executable, "-c",
                              "from falkordb_bulk_loader.bulk_insert import bulk_insert; "
                              "bulk_insert()"]
    # redis-py gives a unix socket a 5 s timeout by default; a 1M-member import has
    # batches the server takes longer over ("Timeout writing to socket")
    argv += [graph, "--server-url", f"unix://{socket}?socket_timeout=3600", "--enforce-schema"]
    for name in NODES:
        argv += ["--nodes-with-label", name, str(directory / f"{name}.csv")]
    for name, (rel_type, *_rest) in RELATIONS.items():
        argv += ["--relations-with-type", rel_type, str(directory / f"{name}.csv")]
    return argv


def run(directory: Path, socket: str, graph: str) -> float:
    """Seconds for ``falkordb-bulk-insert`` to load the converted files into ``graph``."""
    argv = command(directory, socket, graph)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"falkordb-bulk-insert failed ({done.returncode}):\n"
                           f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds
