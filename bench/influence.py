"""Influence at scale from snapshot columns: PageRank against networkx, the ranking, IMM.

Draws a synthetic network with ``refnet generate``'s generator (the same stages, kept
in memory: no files, no store) and builds a ``Snapshot`` from its arrays directly, so
a million members can be timed without a million-member load. Then, as of the
network's end (every trust edge there):

* PageRank on the trust matrix (``influence.pagerank``) against ``networkx.pagerank``
  on the same graph and tolerance (the nx graph's build is timed apart);
* the whole ranking (``rank_from``: projection, PageRank, revenue, top 20);
* IMM seeds (``cascade.imm``: OPIM-C's stopping rule) for ``--k`` and each
  ``--epsilon``, and the Monte-Carlo spread it ends with timed alone; with ``--celf``
  CELF on a sample of ``CELF_MAX_NODES`` members' induced graph, IMM on the same one,
  and their spreads side by side.

    python bench/influence.py --members 100000
    python bench/influence.py --members 1000000 --epsilon 0.5 0.1 --no-networkx
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from refnet.graph.errors import BadInput
from refnet.loaders.synthetic import DEFAULT_END, DEFAULT_SEED, SPAN_DAYS, STAGES, _epoch
from refnet.loaders.synthetic.catalog import draw_products
from refnet.loaders.synthetic.events import draw_clicks, draw_purchases, draw_shares
from refnet.loaders.synthetic.forest import draw_forest, draw_members
from refnet.loaders.synthetic.trust import adjacency, draw_social_trust, with_purchase_ties
from refnet.queries.influence import cascade, pagerank
from refnet.queries.influence.projection import project
from refnet.queries.influence.ranking import rank_from
from refnet.queries.snapshot import NONE, Snapshot
from refnet.queries.window import Window

HERE = Path(__file__).parent
DAY = 86_400


def synthetic_snapshot(members: int, seed: int = DEFAULT_SEED) -> Snapshot:
    """A snapshot of a generated network: members in generation order (a flat forest:
    teams are not timed here), trust and purchases as the generator drew them."""
    end_s = _epoch(DEFAULT_END)
    start_s = end_s - SPAN_DAYS * DAY
    rng = dict(zip(STAGES, np.random.default_rng(seed).spawn(len(STAGES)), strict=True))
    forest = draw_forest(members, start_s, rng["forest"], lambda *_: None)
    people = draw_members(forest, rng["members"])
    products = draw_products(forest, rng["products"])
    social = draw_social_trust(forest, end_s, rng["trust"])
    shares = draw_shares(forest, people, products, end_s, rng["shares"])
    adj = adjacency(social, members)
    clicks = draw_clicks(forest, shares, adj, end_s, rng["clicks"])
    p = draw_purchases(forest, products, shares, clicks, social, adj, end_s, rng["purchases"])
    trust = with_purchase_ties(social, p, members, rng["ties"])

    ids = np.array([f"m{i + 1}" for i in range(members)])
    t = np.lexsort((trust.dst, trust.src))
    by_promoter = np.argsort(p.promoter, kind="stable")
    amount = (products.price[p.product] * p.qty).astype(np.int64)[by_promoter]
    buyer = p.buyer.astype(np.int32)[by_promoter]
    i32, i64 = np.zeros(0, np.int32), np.zeros(0, np.int64)
    return Snapshot(
        version="bench", latest=int(max(p.at.max(), forest.joined.max())) * 1000,
        statuses=("paid",), member_statuses=(), tiers=(), channels=(),
        ids=ids, joined_at=forest.joined.astype(np.int64) * 1000,
        ref_at=np.full(members, NONE, np.int64), parent=np.full(members, -1, np.int32),
        root=np.arange(members, dtype=np.int32), depth=np.zeros(members, np.int32),
        size=np.ones(members, np.int32), id_order=np.argsort(ids).astype(np.int32),
        m_status=np.full(members, -1, np.int32), m_tier=np.full(members, -1, np.int32),
        x_child=i32, x_parent=i32, x_at=i64,
        t_src=trust.src[t].astype(np.int32), t_dst=trust.dst[t].astype(np.int32),
        t_weight=trust.weight[t] / 1000.0, t_since=trust.since[t].astype(np.int64) * 1000,
        s_promoter=i32, s_at=i64, s_channel=i32, c_share=i32, c_viewer=i32, c_at=i64,
        p_buyer=buyer, p_promoter=p.promoter.astype(np.int32)[by_promoter],
        p_share=np.full(len(buyer), -1, np.int32), p_amount=amount,
        p_commission=amount // 10, p_status=np.zeros(len(buyer), np.int8),
        p_at=p.at.astype(np.int64)[by_promoter] * 1000,
        p_entry=np.zeros(len(buyer), np.int8),
        by_buyer=np.argsort(buyer, kind="stable").astype(np.int32),
    )


CPU: dict[str, float] = {}  # CPU seconds (all threads) of the last timed call per label


def timed(fn: Callable[[], Any], label: str = "") -> tuple[float, Any]:
    """Wall seconds and the result; the CPU seconds go to ``CPU[label]`` (on a shared
    machine the wall time counts the other tenants too)."""
    cpu = time.process_time()
    started = time.perf_counter()
    result = fn()
    CPU[label] = time.process_time() - cpu
    return time.perf_counter() - started, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--epsilon", type=float, nargs="*", default=[0.5, 0.1])
    ap.add_argument("--runs", type=int, default=200, help="Monte-Carlo runs for the spread")
    ap.add_argument("--no-networkx", action="store_true")
    ap.add_argument("--celf", action="store_true")
    ap.add_argument("--celf-only", action="store_true", help="skip PageRank and IMM")
    args = ap.parse_args()
    out: dict[str, Any] = {"members": args.members}

    took, snap = timed(lambda: synthetic_snapshot(args.members))
    print(f"network: {args.members:,} members, {len(snap.t_src):,} trust edges, "
          f"{len(snap.p_at):,} purchases, drawn in {took:.1f} s")
    as_of = int(max(snap.latest, snap.t_since.max()))  # every trust edge there
    window = Window(as_of - 30 * DAY * 1000, as_of)

    out["projection_s"], proj = timed(lambda: project(snap, as_of))
    if args.celf_only:
        celf_vs_imm(proj.influence_matrix(), args.k, out)
        return
    matrix = proj.trust_matrix()
    out["pagerank_s"], (scores, iterations) = timed(lambda: pagerank(matrix), "pagerank")
    out["pagerank_cpu_s"] = CPU["pagerank"]
    print(f"projection {out['projection_s']:.3f} s; PageRank {out['pagerank_s']:.3f} s "
          f"(CPU {CPU['pagerank']:.3f} s; {iterations} iterations, tol "
          f"{pagerank.__globals__['TOL']})")
    if not args.no_networkx:
        import networkx as nx

        def graph() -> Any:
            g = nx.DiGraph()
            g.add_nodes_from(range(proj.n))
            g.add_weighted_edges_from(zip(proj.src.tolist(), proj.dst.tolist(),
                                          proj.weight.tolist(), strict=True))
            return g

        out["networkx_build_s"], g = timed(graph)
        tol = pagerank.__globals__["TOL"]
        out["networkx_pagerank_s"], nx_scores = timed(
            lambda: nx.pagerank(g, weight="weight", tol=tol, max_iter=1000), "nx")
        out["networkx_pagerank_cpu_s"] = CPU["nx"]
        out["networkx_default_tol_s"], _ = timed(lambda: nx.pagerank(g, weight="weight"))
        worst = max(abs(scores[v] - s) for v, s in nx_scores.items())
        out["networkx_ratio"] = CPU["nx"] / CPU["pagerank"]
        print(f"networkx.pagerank {out['networkx_pagerank_s']:.2f} s at the same tol "
              f"({out['networkx_default_tol_s']:.2f} s at its default 1e-6; graph built in "
              f"{out['networkx_build_s']:.1f} s): ours is {out['networkx_ratio']:.1f}x "
              f"faster in CPU time; max |diff| {worst:.1e}")
    out["rank_s"], ranking = timed(lambda: rank_from(snap, window, top=20), "rank")
    out["rank_cpu_s"] = CPU["rank"]
    print(f"rank_from (projection, PageRank, revenue, top 20): {out['rank_s']:.3f} s "
          f"(CPU {CPU['rank']:.3f} s); "
          f"total GMV {ranking.total_gmv:,}, {ranking.promoters:,} promoters")

    influence_graph = proj.influence_matrix()
    for eps in args.epsilon:
        try:
            took, chosen = timed(lambda e=eps: cascade.imm(influence_graph, args.k, epsilon=e,
                                                           runs=args.runs), "imm")
        except BadInput as e:
            print(f"IMM k={args.k} eps={eps}: refused: {e}")
            out[f"imm_eps_{eps}"] = str(e)
            continue
        # the Monte-Carlo spread inside imm, timed again on its own: its share of the time
        mc_s, _ = timed(lambda c=chosen: cascade.simulate(
            influence_graph, c.seeds, args.runs, np.random.default_rng(0)), "mc")
        out[f"imm_eps_{eps}_s"] = took
        out[f"imm_eps_{eps}_cpu_s"] = CPU["imm"]
        out[f"imm_eps_{eps}_mc_s"] = mc_s
        out[f"imm_eps_{eps}_mc_cpu_s"] = CPU["mc"]
        out[f"imm_eps_{eps}"] = {
            "rr_sets": chosen.rr_sets, "sampled": chosen.sampled,
            "lower_bound": chosen.lower_bound, "upper_bound": chosen.upper_bound,
            "approximation": chosen.approximation, "spread": chosen.spread,
            "estimate": chosen.estimate, "seeds": chosen.seeds}
        print(f"IMM k={args.k} eps={eps}: {took:.1f} s (CPU {CPU['imm']:.1f} s; its "
              f"{args.runs} Monte-Carlo runs alone {mc_s:.1f} s, CPU {CPU['mc']:.1f} s), "
              f"{chosen.rr_sets:,} RR sets ({chosen.sampled['check']:,} checking), "
              f"certified ratio {chosen.approximation:.3f} (spread ≥ "
              f"{chosen.lower_bound:,.0f}, best ≤ {chosen.upper_bound:,.0f}), "
              f"spread {chosen.spread:,.1f} [{chosen.ci_low:,.1f}, {chosen.ci_high:,.1f}]")
    if args.celf:
        celf_vs_imm(proj.influence_matrix(), args.k, out)
    path = HERE / "results" / f"influence-{args.members}.json"
    kept = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    path.write_text(json.dumps(kept | out, indent=2) + "\n", encoding="utf-8")  # runs add up
    print(f"written {path}")


def celf_vs_imm(graph: sp.csr_array, k: int, out: dict[str, Any],
                size: int = cascade.CELF_MAX_NODES) -> None:
    """CELF and IMM (eps 0.1) on the ``size`` members nearest (by trust, either way) to
    the best-connected one; their seeds' spreads on the same Monte-Carlo coins."""
    both = sp.csr_array(graph + graph.T)
    start = int(np.argmax(np.diff(both.indptr)))
    keep = np.sort(breadth_first_order(both, start, directed=False,
                                       return_predecessors=False)[:size])
    sub = sp.csr_array(graph[keep][:, keep])
    took_c, c = timed(lambda: cascade.celf(sub, k, runs=100, seed=1))
    took_i, i = timed(lambda: cascade.imm(sub, k, epsilon=0.1, runs=100, seed=1))
    celf_spread, imm_spread = (
        float(cascade.simulate(sub, s, 5_000, np.random.default_rng(9)).mean())
        for s in (c.seeds, i.seeds))
    ratio = imm_spread / celf_spread
    out["celf"] = {"nodes": sub.shape[0], "edges": sub.nnz, "celf_s": took_c, "imm_s": took_i,
                   "celf_spread": celf_spread, "imm_spread": imm_spread, "ratio": ratio}
    print(f"CELF vs IMM (eps 0.1) on {sub.shape[0]:,} members / {sub.nnz:,} edges: spread "
          f"{celf_spread:.1f} vs {imm_spread:.1f} (IMM/CELF {ratio:.3f}, same coins); "
          f"{took_c:.1f} s vs {took_i:.1f} s")


if __name__ == "__main__":
    main()
