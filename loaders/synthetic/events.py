"""Shares, clicks and purchases: who promotes, who clicks, who buys, and the leaks
(outside buyers, self-purchases, entry packages bought right after joining)."""

from __future__ import annotations

from typing import Final

import numpy as np

from .catalog import ENTRY_BUY_P
from .forest import pick_org_member
from .tables import (
    HOUR,
    Array,
    Clicks,
    Edges,
    Forest,
    Members,
    Products,
    Purchases,
    Shares,
    after,
    concat,
    take,
)
from .trust import edge_weight, pick_neighbour

__all__ = ["CHANNELS", "draw_clicks", "draw_purchases", "draw_shares"]

SHARES_PER_MEMBER: Final = 1.5
TIER_SHARE_WEIGHT: Final = (1.0, 3.0, 12.0)  # member, vip, leader
CHANNELS: Final = ("wechat_group", "moments", "private", "live")
CHANNEL_P: Final = (0.45, 0.30, 0.15, 0.10)
CHANNEL_REACH: Final = (1.6, 1.0, 0.5, 2.5)
CLICKS_PER_SHARE: Final = 5.4  # drawn; dedupe and late joiners leave ~4 per member
NEIGHBOUR_CLICK: Final = 0.8  # clickers are mostly trust neighbours of the promoter
CONVERT_BASE: Final = 0.03  # P(click -> purchase) = base + slope * trust(viewer -> promoter)
CONVERT_SLOPE: Final = 0.25
OUTSIDE_PER_SHARE: Final = 0.12  # purchases by non-members through a share
SELF_PURCHASE_P: Final = 0.04  # a promoter buys through their own share
DIRECT_PER_MEMBER: Final = 0.15  # purchases attributed to a (locked-in) promoter, no share
DIRECT_OUTSIDE: Final = 0.6
QTY_P: Final = (0.80, 0.15, 0.05)  # 1, 2, 3 items


def draw_shares(f: Forest, m: Members, products: Products, end_s: int,
                rng: np.random.Generator) -> Shares:
    """Shares by active members, heavy-tailed per promoter (Pareto); leaders share most."""
    n = len(f.org)
    weight = (rng.pareto(1.5, n) + 0.2) * np.asarray(TIER_SHARE_WEIGHT)[m.tier]
    weight[m.status != 0] = 0.0
    total = weight.sum()
    count = rng.poisson(weight * (SHARES_PER_MEMBER * n / total)) if total else weight.astype(int)
    promoter = np.repeat(np.arange(n), count)
    at = after(f.joined[promoter], end_s, rng)
    product = rng.choice(len(products.price), size=len(promoter), p=products.popularity)
    channel = rng.choice(len(CHANNELS), size=len(promoter), p=CHANNEL_P)
    return take(Shares(promoter, product, at, channel), np.lexsort((promoter, at)))


def draw_clicks(f: Forest, s: Shares, adj: tuple[Array, Array], end_s: int,
                rng: np.random.Generator) -> Clicks:
    """Clicks on shares by members of the promoter's org, mostly trust neighbours.

    Clicks per share depend on the channel and a lognormal luck factor. A member who
    joined after the share never clicks it, and (viewer, share) is unique.
    """
    n = len(f.org)
    reach = np.asarray(CHANNEL_REACH)[s.channel] * rng.lognormal(0.0, 0.9, len(s.at))
    if len(reach):
        reach *= CLICKS_PER_SHARE / reach.mean()
    share = np.repeat(np.arange(len(s.at)), rng.poisson(reach))
    promoter = s.promoter[share]
    viewer = pick_neighbour(adj, promoter, rng)
    anyone = (viewer < 0) | (rng.random(len(share)) >= NEIGHBOUR_CLICK)
    viewer = np.where(anyone, pick_org_member(f, promoter, rng), viewer)
    at = s.at[share] + 1 + rng.exponential(8 * HOUR, len(share)).astype(np.int64)
    ok = ((viewer >= 0) & (viewer != promoter) & (at < end_s)
          & (f.joined[np.maximum(viewer, 0)] < s.at[share]))
    clicks = Clicks(viewer[ok], share[ok], at[ok])
    _, first = np.unique(clicks.share * n + clicks.viewer, return_index=True)
    clicks = take(clicks, np.sort(first))
    return take(clicks, np.lexsort((clicks.viewer, clicks.share, clicks.at)))


def draw_purchases(f: Forest, products: Products, s: Shares, c: Clicks, social: Edges,
                   adj: tuple[Array, Array], end_s: int, rng: np.random.Generator) -> Purchases:
    """Orders from five sources, in time order; each after its buyer and promoter joined
    and before ``end``:

    * clicks that convert, more often the more the viewer trusts the promoter;
    * outside buyers (not members) through a share;
    * promoters buying through their own share (self-purchase);
    * direct orders: a buyer locked to a promoter buys without a share;
    * entry packages: a new member of an org selling one buys it right after joining and
      the referrer gets the commission (the recruitment reward compliance looks for).
    """
    n = len(f.org)
    n_s = len(s.at)
    promoter = s.promoter[c.share]
    trust = edge_weight(social, c.viewer, promoter, n)
    sold = np.flatnonzero(rng.random(len(c.at)) < CONVERT_BASE + CONVERT_SLOPE * trust)
    converted = Purchases(c.viewer[sold], s.product[c.share[sold]], promoter[sold],
                          c.share[sold], c.at[sold] + _delay(len(sold), 4 * HOUR, rng),
                          _qty(len(sold), rng))

    out = np.repeat(np.arange(n_s), rng.poisson(OUTSIDE_PER_SHARE, n_s))
    outside = Purchases(np.full(len(out), -1), s.product[out], s.promoter[out], out,
                        s.at[out] + _delay(len(out), 12 * HOUR, rng), _qty(len(out), rng))

    own = np.flatnonzero(rng.random(n_s) < SELF_PURCHASE_P)
    self_bought = Purchases(s.promoter[own], s.product[own], s.promoter[own], own,
                            s.at[own] + _delay(len(own), 2 * HOUR, rng), _qty(len(own), rng))

    share_count = np.bincount(s.promoter, minlength=n)
    k = int(DIRECT_PER_MEMBER * n) if n_s else 0
    dp = rng.choice(n, size=k, p=share_count / max(n_s, 1)) if k else np.zeros(0, np.int64)
    db = np.where(rng.random(k) < DIRECT_OUTSIDE, -1, pick_neighbour(adj, dp, rng))
    since = np.maximum(f.joined[dp], np.where(db >= 0, f.joined[np.maximum(db, 0)], 0))
    direct = Purchases(db, rng.choice(len(products.price), size=k, p=products.popularity), dp,
                       np.full(k, -1), after(since, end_s, rng), _qty(k, rng))

    pack = np.where(f.org >= 0, products.org_pack[np.maximum(f.org, 0)], -1) if f.n_orgs \
        else np.full(n, -1)
    new = np.flatnonzero((f.referrer >= 0) & (pack >= 0) & (rng.random(n) < ENTRY_BUY_P))
    entry = Purchases(new, pack[new], f.referrer[new], np.full(len(new), -1),
                      f.joined[new] + 60 + rng.integers(0, 6 * HOUR, len(new)),
                      np.ones(len(new), np.int64))

    p = concat([converted, outside, self_bought, direct, entry])
    p = take(p, np.flatnonzero(p.at < end_s))
    return take(p, np.lexsort((p.product, p.at)))


def _delay(k: int, mean: float, rng: np.random.Generator) -> Array:
    """At least a second, exponential with ``mean`` seconds."""
    return 1 + rng.exponential(mean, k).astype(np.int64)


def _qty(k: int, rng: np.random.Generator) -> Array:
    return 1 + rng.choice(len(QTY_P), size=k, p=QTY_P)
