"""Trust edges: referral ties, acquaintances in the same org, then purchase ties; and
the lookups on them the events need (neighbours, an edge's weight)."""

from __future__ import annotations

from typing import Final

import numpy as np

from .forest import org_index
from .tables import DAY, Array, Edges, Forest, Purchases, after, concat, take

__all__ = ["TRUST_SOURCES", "adjacency", "draw_social_trust", "edge_weight", "pick_neighbour",
           "with_purchase_ties"]

# canonical.TRUST names the sources referral, purchase, group, contact; an acquaintance in
# the same org (a WeChat group) is "group".
TRUST_SOURCES: Final = ("referral", "purchase", "group")
REFERRAL, PURCHASE_TIE, ACQUAINTANCE = 0, 1, 2
BACK_TIE_P: Final = 0.6  # the referrer also trusts the recruit
ACQUAINTANCES_PER_MEMBER: Final = 1.4
NEAR_ACQUAINTANCE: Final = 0.6  # share of acquaintances who joined the org around the same time
NEAR_WINDOW: Final = 200  # ... within this many org members of each other


def draw_social_trust(f: Forest, end_s: int, rng: np.random.Generator) -> Edges:
    """Trust from referral ties (strong) and acquaintances in the same org (weaker).

    Purchase ties come once purchases exist (``with_purchase_ties``). No self loops, one
    edge per (src, dst); on a clash the referral tie wins.
    """
    recruit = np.flatnonzero(f.referrer >= 0)
    ref = f.referrer[recruit]
    back = rng.random(len(recruit)) < BACK_TIE_P
    up = Edges(recruit, ref, _thousandths(rng.beta(5, 2, len(recruit))), f.joined[recruit],
               np.full(len(recruit), REFERRAL, np.int8))
    down = Edges(ref[back], recruit[back], _thousandths(rng.beta(4, 3, int(back.sum()))),
                 after(f.joined[recruit[back]], end_s, rng, spread=30 * DAY),
                 np.full(int(back.sum()), REFERRAL, np.int8))
    return _dedupe_edges(concat([up, down, _acquaintances(f, end_s, rng)]), len(f.org))


def _acquaintances(f: Forest, end_s: int, rng: np.random.Generator) -> Edges:
    """Random ties inside an org: mostly people who joined around the same time (a WeChat
    group), some anyone in the org. Lower weights than referral ties."""
    by_org, org_start, org_size = org_index(f)
    count = int(ACQUAINTANCES_PER_MEMBER * len(f.org)) if len(by_org) else 0
    a = by_org[rng.integers(0, max(len(by_org), 1), count)]
    o = f.org[a]
    rank = np.empty(len(f.org), np.int64)
    rank[by_org] = np.arange(len(by_org)) - org_start[f.org[by_org]]
    near = np.clip(rank[a] + rng.integers(-NEAR_WINDOW, NEAR_WINDOW + 1, count), 0,
                   org_size[o] - 1)
    anywhere = (rng.random(count) * org_size[o]).astype(np.int64)
    b = by_org[org_start[o] + np.where(rng.random(count) < NEAR_ACQUAINTANCE, near, anywhere)]
    since = after(np.maximum(f.joined[a], f.joined[b]), end_s, rng, spread=120 * DAY)
    return Edges(a, b, _thousandths(rng.beta(2, 5, count)), since,
                 np.full(count, ACQUAINTANCE, np.int8))


def with_purchase_ties(social: Edges, p: Purchases, n: int,
                       rng: np.random.Generator) -> Edges:
    """Add buyer -> promoter trust for member purchases, then order all edges by time."""
    tie = np.flatnonzero((p.buyer >= 0) & (p.promoter >= 0) & (p.buyer != p.promoter))
    ties = Edges(p.buyer[tie], p.promoter[tie], _thousandths(rng.beta(3, 3, len(tie))),
                 p.at[tie], np.full(len(tie), PURCHASE_TIE, np.int8))
    merged = _dedupe_edges(concat([social, ties]), n)
    return take(merged, np.lexsort((merged.dst, merged.src, merged.since)))


def _dedupe_edges(e: Edges, n: int) -> Edges:
    """Drop self loops and keep the first edge of each (src, dst)."""
    keep = np.flatnonzero(e.src != e.dst)
    _, first = np.unique(e.src[keep] * n + e.dst[keep], return_index=True)
    return take(e, keep[np.sort(first)])


def adjacency(e: Edges, n: int) -> tuple[Array, Array]:
    """Undirected CSR (indptr, neighbours) of the trust graph, for picking clickers."""
    nodes = np.concatenate([e.src, e.dst])
    nbrs = np.concatenate([e.dst, e.src])
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(nodes, minlength=n), out=indptr[1:])
    return indptr, nbrs[np.argsort(nodes, kind="stable")]


def pick_neighbour(adj: tuple[Array, Array], who: Array, rng: np.random.Generator) -> Array:
    """A uniform trust neighbour of each ``who``, or -1 where it has none."""
    indptr, nbrs = adj
    deg = indptr[who + 1] - indptr[who]
    slot = indptr[who] + (rng.random(len(who)) * deg).astype(np.int64)
    if not len(nbrs):
        return np.full(len(who), -1, np.int64)
    return np.where(deg > 0, nbrs[np.minimum(slot, len(nbrs) - 1)], -1)


def edge_weight(e: Edges, src: Array, dst: Array, n: int) -> Array:
    """The weight (0..1) of each src -> dst trust edge, 0 where there is none."""
    if not len(e.src):
        return np.zeros(len(src))
    key = e.src * n + e.dst
    order = np.argsort(key)
    want = src * n + dst
    pos = np.minimum(np.searchsorted(key[order], want), len(key) - 1)
    return np.where(key[order[pos]] == want, e.weight[order[pos]] / 1000.0, 0.0)


def _thousandths(w: Array) -> Array:
    """A weight in (0, 1] as integer thousandths, so it prints as exactly 3 decimals."""
    return np.clip(np.round(w * 1000), 1, 1000).astype(np.int64)
