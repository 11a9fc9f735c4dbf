"""numpy against DuckDB and polars on the snapshot's hot aggregations, at a million members.

The analytic snapshot could be read by a columnar engine instead of numpy (issue 14
asked to try both). This builds snapshot-shaped columns without a store (a random
referral forest of ``--members`` put in preorder by refnet's own ``_preorder``, and
``--purchases`` purchases between random members over a year) and times, median of
``--runs``, the three aggregations the questions spend their time in:

* **downline**: the largest tree's levels: members, members who sold in the window
  and GMV sold, per level below the root (downline health);
* **channels**: shares-style group-by: purchases in the window per channel (8 codes)
  with count, distinct buyers and GMV (conversion by channel);
* **chains**: purchases whose promoter sits above the buyer, counted per number of
  levels between them (compliance's commission depth), an interval join done as
  two comparisons on preorder positions.

Every engine's answer is checked equal to numpy's. DuckDB and polars are not refnet
dependencies; install them to run this (``pip install duckdb polars pyarrow``); a
missing engine is skipped and said so.

    python bench/engines.py --members 1000000
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from loaded import median_ms  # bench/loaded.py: run as python bench/<script>.py

from refnet.queries.snapshot.forest import preorder as _preorder

HERE = Path(__file__).parent
YEAR_MS = 365 * 86_400_000


def columns(members: int, purchases: int, seed: int = 7) -> dict[str, np.ndarray]:
    """A random forest (one large tree, many small ones) in preorder, and purchases."""
    rng = np.random.default_rng(seed)
    idx = np.arange(members)
    # each member's referrer is a uniformly drawn earlier member (a random recursive
    # tree: ~ln n levels, early members recruit most), 1% are roots
    up = (idx * rng.random(members)).astype(np.int64)
    par = np.where((rng.random(members) < 0.01) | (idx == 0), -1, up)
    _order, parent, root, depth, size = _preorder(par)
    buyer = rng.integers(0, members, purchases)
    promoter = np.sort(rng.integers(0, members, purchases))  # purchases sorted by promoter
    return {
        "parent": parent, "root": root, "depth": depth, "size": size,
        "p_buyer": buyer, "p_promoter": promoter,
        "p_amount": rng.integers(100, 50_000, purchases),
        "p_at": rng.integers(0, YEAR_MS, purchases),
        "p_channel": rng.integers(0, 8, purchases),
    }


# -- numpy ---------------------------------------------------------------------------


def np_downline(c: dict[str, np.ndarray], top: int, since: int) -> list[tuple[int, ...]]:
    lo, hi = top, top + int(c["size"][top])
    levels = c["depth"][lo:hi] - c["depth"][top]
    a, b = np.searchsorted(c["p_promoter"], [lo, hi])
    inwin = c["p_at"][a:b] > since
    promoter = c["p_promoter"][a:b][inwin] - lo
    gmv = np.bincount(levels[promoter], weights=c["p_amount"][a:b][inwin],
                      minlength=levels.max() + 1)
    sold = np.zeros(hi - lo, dtype=bool)
    sold[promoter] = True
    n = levels.max() + 1
    return list(zip(np.bincount(levels, minlength=n).tolist(),
                    np.bincount(levels[sold], minlength=n).tolist(),
                    gmv.astype(np.int64).tolist(), strict=True))


def np_channels(c: dict[str, np.ndarray], since: int) -> list[tuple[int, ...]]:
    keep = c["p_at"] > since
    ch, buyer, amount = c["p_channel"][keep], c["p_buyer"][keep], c["p_amount"][keep]
    count = np.bincount(ch, minlength=8)
    gmv = np.bincount(ch, weights=amount, minlength=8).astype(np.int64)
    pairs = np.unique(ch.astype(np.int64) * len(c["size"]) + buyer) // len(c["size"])
    buyers = np.bincount(pairs, minlength=8)
    return list(zip(range(8), count.tolist(), buyers.tolist(), gmv.tolist(), strict=True))


def np_chains(c: dict[str, np.ndarray]) -> list[tuple[int, int]]:
    p, b, size, depth = c["p_promoter"], c["p_buyer"], c["size"], c["depth"]
    above = (p < b) & (b < p + size[p])
    levels = depth[b[above]] - depth[p[above]]
    counts = np.bincount(levels)
    return [(k, int(n)) for k, n in enumerate(counts.tolist()) if n]


# -- DuckDB --------------------------------------------------------------------------


def duck(c: dict[str, np.ndarray]) -> dict[str, Callable[..., list[tuple[int, ...]]]]:
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    n = len(c["size"])
    con.register("m", pa.table({"pos": np.arange(n), "depth": c["depth"], "size": c["size"]}))
    con.register("p", pa.table({k[2:]: v for k, v in c.items() if k.startswith("p_")}))

    def downline(top: int, since: int) -> list[tuple[int, ...]]:
        d0, hi = int(c["depth"][top]), top + int(c["size"][top])
        rows = con.execute("""
            WITH sold AS (
              SELECT promoter, sum(amount) AS gmv FROM p
              WHERE promoter >= $lo AND promoter < $hi AND "at" > $since GROUP BY promoter)
            SELECT m.depth - $d0 AS level, count(*), count(sold.promoter),
                   coalesce(sum(sold.gmv), 0)::BIGINT
            FROM m LEFT JOIN sold ON sold.promoter = m.pos
            WHERE m.pos >= $lo AND m.pos < $hi GROUP BY level ORDER BY level""",
            {"lo": top, "hi": hi, "since": since, "d0": d0}).fetchall()
        return [tuple(r[1:]) for r in rows]

    def channels(since: int) -> list[tuple[int, ...]]:
        return [tuple(r) for r in con.execute("""
            SELECT channel, count(*), count(DISTINCT buyer), sum(amount)::BIGINT FROM p
            WHERE "at" > $since GROUP BY channel ORDER BY channel""",
            {"since": since}).fetchall()]

    def chains() -> list[tuple[int, ...]]:
        return [tuple(r) for r in con.execute("""
            SELECT mb.depth - mp.depth AS levels, count(*) FROM p
            JOIN m AS mp ON mp.pos = p.promoter JOIN m AS mb ON mb.pos = p.buyer
            WHERE p.promoter < p.buyer AND p.buyer < p.promoter + mp.size
            GROUP BY levels ORDER BY levels""").fetchall()]

    return {"downline": downline, "channels": channels, "chains": chains}


# -- polars --------------------------------------------------------------------------


def polars(c: dict[str, np.ndarray]) -> dict[str, Callable[..., list[tuple[int, ...]]]]:
    import polars as pl

    n = len(c["size"])
    m = pl.DataFrame({"pos": np.arange(n), "depth": c["depth"], "size": c["size"]})
    p = pl.DataFrame({k[2:]: v for k, v in c.items() if k.startswith("p_")})

    def downline(top: int, since: int) -> list[tuple[int, ...]]:
        d0, hi = int(c["depth"][top]), top + int(c["size"][top])
        sold = (p.lazy().filter((pl.col("promoter") >= top) & (pl.col("promoter") < hi)
                                & (pl.col("at") > since))
                .group_by("promoter").agg(pl.col("amount").sum().alias("gmv")))
        out = (m.lazy().filter((pl.col("pos") >= top) & (pl.col("pos") < hi))
               .join(sold, left_on="pos", right_on="promoter", how="left")
               .group_by((pl.col("depth") - d0).alias("level"))
               .agg(pl.len(), pl.col("gmv").is_not_null().sum().alias("sold"),
                    pl.col("gmv").fill_null(0).sum())
               .sort("level").collect())
        return [tuple(r[1:]) for r in out.rows()]

    def channels(since: int) -> list[tuple[int, ...]]:
        out = (p.lazy().filter(pl.col("at") > since).group_by("channel")
               .agg(pl.len(), pl.col("buyer").n_unique(), pl.col("amount").sum())
               .sort("channel").collect())
        return [tuple(r) for r in out.rows()]

    def chains() -> list[tuple[int, ...]]:
        out = (p.lazy()
               .join(m.lazy(), left_on="promoter", right_on="pos")
               .join(m.lazy().select(pl.col("pos"), pl.col("depth").alias("bdepth")),
                     left_on="buyer", right_on="pos")
               .filter((pl.col("promoter") < pl.col("buyer"))
                       & (pl.col("buyer") < pl.col("promoter") + pl.col("size")))
               .group_by((pl.col("bdepth") - pl.col("depth")).alias("levels"))
               .agg(pl.len()).sort("levels").collect())
        return [tuple(r) for r in out.rows()]

    return {"downline": downline, "channels": channels, "chains": chains}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--purchases", type=int, default=3_000_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    c = columns(args.members, args.purchases)
    roots = np.flatnonzero(c["parent"] < 0)
    top = int(roots[np.argmax(c["size"][roots])])
    since = YEAR_MS - 30 * 86_400_000
    want = {"downline": np_downline(c, top, since), "channels": np_channels(c, since),
            "chains": np_chains(c)}
    cases = {"downline": lambda f: f(top, since), "channels": lambda f: f(since),
             "chains": lambda f: f()}
    engines: dict[str, dict[str, Callable[..., Any]]] = {
        "numpy": {"downline": lambda t, s: np_downline(c, t, s),
                  "channels": lambda s: np_channels(c, s), "chains": lambda: np_chains(c)}}
    for name, make in (("duckdb", duck), ("polars", polars)):
        try:
            engines[name] = make(c)
        except ImportError as e:
            print(f"{name}: skipped ({e})")
    print(f"{args.members:,} members, {args.purchases:,} purchases; largest tree "
          f"{int(c['size'][top]):,} members; median of {args.runs} runs, ms")
    results: dict[str, dict[str, float]] = {}
    for engine, fns in engines.items():
        for case, call in cases.items():
            ms, got = median_ms(lambda call=call, fns=fns, case=case: call(fns[case]), args.runs)
            assert _rows(got) == _rows(want[case]), f"{engine}: {case} differs from numpy"
            results.setdefault(case, {})[engine] = round(ms, 2)
    for case, by in results.items():
        base = by["numpy"]
        print(f"{case:9s} " + "  ".join(f"{e} {ms:9.2f} ({ms / base:5.1f}x)"
                                        for e, ms in by.items()))
    out = HERE / "results" / f"engines-{args.members}.json"
    out.write_text(json.dumps({"date": datetime.now(UTC).strftime("%Y-%m-%d"),
                               "members": args.members, "purchases": args.purchases,
                               "runs": args.runs, "median_ms": results}, indent=2) + "\n")
    print(f"saved {out.relative_to(HERE.parent)}")


def _rows(rows: list[tuple[Any, ...]]) -> list[tuple[int, ...]]:
    return [tuple(int(x) for x in r) for r in rows]


if __name__ == "__main__":
    main()
