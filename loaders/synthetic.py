"""A deterministic synthetic referral network, written as the canonical CSV files.

``refnet generate`` and ``refnet demo`` use this to give every question something
realistic to work on, and the benchmarks use it to scale. "Realistic" means the shape
organizers' networks have, because the questions are about that shape:

* a forest of organizations with heavy-tailed sizes (one big one, several small ones)
  plus a few members who joined on their own;
* heavy-tailed recruiting (a preferential-attachment urn: a few members recruit
  hundreds, most recruit none) mixed with "a recent joiner recruits", so chains get deep
  enough for the compliance questions to find something;
* trust that mostly follows referral ties, purchase ties and acquaintances, with
  weights that make conversion depend on trust strength;
* shares, clicks and purchases with the usual leaks: outside buyers, self-purchases,
  entry packages bought right after joining, refunds.

Everything is drawn from ``numpy.random.default_rng(seed)`` (one child generator per
stage, so retuning one stage does not reshuffle the others) and every time is relative
to ``end``: the same ``(members, seed, end)`` gives byte-identical files. The work is
vectorised with numpy except the referral urn, a cheap Python loop over members.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np

from refnet.graph.errors import BadInput
from refnet.graph.model import MEMBER_STATUSES, PURCHASE_STATUSES
from refnet.loaders import canonical

__all__ = ["DEFAULT_END", "DEFAULT_SEED", "NetworkStats", "generate"]

DEFAULT_SEED: Final = 7
DEFAULT_END: Final = datetime(2026, 11, 1, tzinfo=UTC)

Progress = Callable[[str, int, int], None]
Array = np.ndarray
T = TypeVar("T")

DAY: Final = 86_400
HOUR: Final = 3_600
SPAN_DAYS: Final = 365  # events span about a year before ``end``
JOIN_SPAN_DAYS: Final = 335  # the last joiners still get a month of activity
MAX_MEMBERS: Final = 10_000_000  # joined_at strictly increases by whole seconds

# --- the forest ---------------------------------------------------------------------
SINGLETON_SHARE: Final = 0.015  # members who joined with no referrer and recruit nobody
MAX_ORGS: Final = 50
ORG_SIZE_EXPONENT: Final = 1.5  # org k gets weight (k+1)^-1.5: one big org, a long tail
SECOND_ORG_MAX: Final = 0.45  # no other org is more than 0.45 of the biggest (weight 1)
ORG_LATEST_START: Final = 0.6  # other orgs start at most this far into the join span
GROWTH: Final = 0.7  # join-time key u^0.7: joins accelerate over time
URN_PER_RECRUIT: Final = 2  # urn entries a referrer gains per recruit (see _referral_urn)
RECENT_SHARE: Final = 0.45  # P(referrer = a recent joiner of the org) rather than the urn
RECENT_FRACTION: Final = 0.004  # "recent" = the last 0.4% of the org's members so far ...
RECENT_MIN: Final = 4  # ... but at least this many
LEADER_RECRUITS: Final = 15  # tier leader from this many direct recruits
VIP_RECRUITS: Final = 3
VIP_ANYWAY: Final = 0.08  # vip bought rather than earned

PLATFORMS: Final = ("taobao", "pdd", "jd", "youzan", "wechat")
PLATFORM_P: Final = (0.40, 0.30, 0.15, 0.08, 0.07)
HOME_PLATFORM_SHARE: Final = 0.6  # members mostly join on their org's home platform
MEMBER_STATUS_P: Final = (0.82, 0.15, 0.03)  # weights in model.MEMBER_STATUSES order
TIERS: Final = ("member", "vip", "leader")

# --- accounts -----------------------------------------------------------------------
ACCOUNT_PLATFORMS: Final = ("taobao", "pdd", "jd", "youzan")  # where commission is paid
ACCOUNT_PLATFORM_P: Final = (0.45, 0.32, 0.15, 0.08)
ACCOUNTS_PER_MEMBER_P: Final = (0.05, 0.60, 0.30, 0.05)  # 0, 1, 2, 3 accounts
# Per platform: first number, stride (ids are unique by construction), prefix.
ACCOUNT_IDS: Final = (
    (2_100_000_000, 7, ""),  # Taobao relation_id
    (100_000_000, 5, "8_"),  # Duoduo Jinbao p_id (media_position)
    (3_000_000_000, 11, ""),  # JD positionId
    (40_000_000, 3, ""),  # Youzan kdt_id
)

# --- products -----------------------------------------------------------------------
CATEGORIES: Final = ("beauty", "food", "baby", "home", "health")
CATEGORY_P: Final = (0.30, 0.25, 0.15, 0.15, 0.15)
NOUNS: Final = {
    "beauty": ("serum", "face mask", "lipstick", "toner", "sunscreen", "eye cream"),
    "food": ("oolong tea", "honey", "mixed nuts", "rice noodles", "dried mango", "coffee"),
    "baby": ("diapers", "formula", "wet wipes", "baby lotion", "teether"),
    "home": ("detergent", "towel set", "storage box", "mop", "air freshener"),
    "health": ("vitamin C", "probiotic", "collagen drink", "fish oil", "protein powder"),
}
ADJECTIVES: Final = ("classic", "premium", "organic", "family size", "travel", "deluxe", "mini")
# (name, price in fen, category): the entry-fee signal of DESIGN.md (a 425-yuan gift pack).
ENTRY_PACKS: Final = (
    ("VIP gift pack 礼包", 42_500, "beauty"),
    ("starter box 创业礼包", 39_900, "health"),
    ("partner pack 合伙人礼包", 99_900, "beauty"),
    ("shopkeeper pack 店主礼包", 69_900, "health"),
    ("trial pack 体验礼包", 19_900, "beauty"),
    ("leader pack 团长礼包", 199_900, "health"),
)
ENTRY_ORG_SHARE: Final = 0.6  # orgs (besides the biggest, which always does) selling one
ENTRY_BUY_P: Final = 0.3  # a new member of such an org buys it right after joining
ENTRY_RATE: Final = 0.30  # the recruitment reward on an entry package
MEDIAN_PRICE: Final = 7_900  # fen; prices are lognormal around it

# --- trust --------------------------------------------------------------------------
# canonical.TRUST names the sources referral, purchase, group, contact; an acquaintance in
# the same org (a WeChat group) is "group".
TRUST_SOURCES: Final = ("referral", "purchase", "group")
REFERRAL, PURCHASE_TIE, ACQUAINTANCE = 0, 1, 2
BACK_TIE_P: Final = 0.6  # the referrer also trusts the recruit
ACQUAINTANCES_PER_MEMBER: Final = 1.4
NEAR_ACQUAINTANCE: Final = 0.6  # share of acquaintances who joined the org around the same time
NEAR_WINDOW: Final = 200  # ... within this many org members of each other

# --- shares, clicks, purchases --------------------------------------------------------
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
# weights in model.PURCHASE_STATUSES order (paid, settled, refunded, invalid)
RECENT_STATUS_P: Final = (0.85, 0.05, 0.07, 0.03)  # bought in the last 15 days: not settled
OLD_STATUS_P: Final = (0.03, 0.87, 0.07, 0.03)
ORDER_ID_BASE: Final = 3_000_000_000_000_000_000  # 19-digit order ids

# One child generator per stage; append new stages at the end so old ones keep their draws.
STAGES: Final = ("forest", "members", "accounts", "products", "trust", "shares", "clicks",
                 "purchases", "ties", "write")


@dataclass(frozen=True)
class NetworkStats:
    """What ``generate`` built: the forest's shape and the files it wrote."""

    members: int
    organizations: int  # roots that have at least one recruit
    roots: int  # members with no referrer
    max_depth: int  # longest referral chain, in edges, over the whole forest
    largest_tree: int  # members in the biggest tree
    rows: dict[str, int]  # rows written per canonical entity name ("members", "trust", ...)
    files: dict[str, Path]


# --- the tables, as numpy columns (member i is ``m{i+1}``; -1 means null) ---------------


@dataclass(frozen=True)
class _Forest:
    """Members in join order and their referral tree."""

    n_orgs: int
    org: Array  # organization number, -1 for a singleton
    referrer: Array  # member index, -1 for a root; always < the member's own index
    joined: Array  # epoch seconds, strictly increasing
    depth: Array
    root: Array
    recruits: Array


@dataclass(frozen=True)
class _Members:
    platform: Array  # codes into PLATFORMS
    status: Array  # codes into MEMBER_STATUSES
    tier: Array  # codes into TIERS


@dataclass(frozen=True)
class _Accounts:
    member: Array
    platform: Array  # codes into ACCOUNT_PLATFORMS
    account_id: Array  # object array of str


@dataclass(frozen=True)
class _Products:
    category: Array
    name: Array  # object array of str
    price: Array
    rate: Array  # commission rate
    entry: Array  # bool
    popularity: Array  # probabilities for shares and direct purchases
    org_pack: Array  # per org: the entry package it sells, or -1


@dataclass(frozen=True)
class _Edges:
    src: Array
    dst: Array
    weight: Array  # thousandths, 1..1000
    since: Array
    source: Array  # codes into TRUST_SOURCES


@dataclass(frozen=True)
class _Shares:
    promoter: Array
    product: Array
    at: Array
    channel: Array


@dataclass(frozen=True)
class _Clicks:
    viewer: Array
    share: Array
    at: Array


@dataclass(frozen=True)
class _Purchases:
    buyer: Array  # -1 for an outside buyer
    product: Array
    promoter: Array  # -1 for none
    share: Array  # -1 for none
    at: Array
    qty: Array


@dataclass(frozen=True)
class _Network:
    forest: _Forest
    members: _Members
    accounts: _Accounts
    products: _Products
    trust: _Edges
    shares: _Shares
    clicks: _Clicks
    purchases: _Purchases


def _take(table: T, idx: Array) -> T:
    """The rows ``idx`` of a column dataclass (edges, purchases, ...)."""
    return type(table)(*(getattr(table, f.name)[idx] for f in fields(table)))


def _concat(parts: Sequence[T]) -> T:
    """Same-typed column dataclasses, one after the other."""
    kind = type(parts[0])
    return kind(*(np.concatenate([getattr(p, f.name) for p in parts])
                  for f in fields(kind)))


# --- the entry point ----------------------------------------------------------------------


def generate(members: int, out: Path, seed: int = DEFAULT_SEED, *, end: datetime = DEFAULT_END,
             progress: Progress | None = None) -> NetworkStats:
    """Generate a network of ``members`` members and write the canonical files to ``out``.

    ``progress(stage, done, total)`` is called at the start and end of every stage
    (``forest``, ``members``, ``accounts``, ..., then ``write members``, ``write trust``,
    ...) and inside the long ones (every 65,536 members of the urn, every written chunk).
    ``end`` is when the export was taken (a naive datetime counts as UTC): every time in
    the files is before it, and the network's year of history ends there.

    Measured on a 2-core machine: 100,000 members in about 1.5 s, 1,000,000 in about 16 s
    with about 1.3 GB peak RSS.
    """
    if not 1 <= members <= MAX_MEMBERS:
        raise BadInput(f"members must be between 1 and {MAX_MEMBERS}, got {members}")
    report: Progress = progress or (lambda stage, done, total: None)
    end_s = _epoch(end)
    start_s = end_s - SPAN_DAYS * DAY
    rng = dict(zip(STAGES, np.random.default_rng(seed).spawn(len(STAGES)), strict=True))

    forest = _forest(members, start_s, rng["forest"], report)
    people = _stage(report, "members", _members, forest, rng["members"])
    accounts = _stage(report, "accounts", _accounts, people, rng["accounts"])
    products = _stage(report, "products", _products, forest, rng["products"])
    social = _stage(report, "trust", _social_trust, forest, end_s, rng["trust"])
    shares = _stage(report, "shares", _shares, forest, people, products, end_s, rng["shares"])
    adjacency = _adjacency(social, members)
    clicks = _stage(report, "clicks", _clicks, forest, shares, adjacency, end_s, rng["clicks"])
    purchases = _stage(report, "purchases", _purchases, forest, products, shares, clicks,
                       social, adjacency, end_s, rng["purchases"])
    trust = _with_purchase_ties(social, purchases, members, rng["ties"])
    net = _Network(forest, people, accounts, products, trust, shares, clicks, purchases)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows, files = _write_all(out, net, rng["write"], start_s, end_s, report)
    return _stats(forest, rows, files)


def _stage(report: Progress, name: str, fn: Callable[..., T], *args: Any) -> T:
    """Run one stage between two progress reports."""
    report(name, 0, 1)
    result = fn(*args)
    report(name, 1, 1)
    return result


# --- the forest ---------------------------------------------------------------------------


def _forest(n: int, start_s: int, rng: np.random.Generator, report: Progress) -> _Forest:
    """Organizations, join order and times, and the referral urn.

    Each org gets a start (the biggest starts first) and an accelerating growth curve;
    sorting everyone's join key interleaves the orgs in time, and the first member of an
    org in that order is its root.
    """
    org = _org_labels(n, rng)
    n_orgs = int(org.max()) + 1  # 0 when everyone is a singleton
    start = np.zeros(n_orgs)
    start[1:] = rng.uniform(0.0, ORG_LATEST_START, max(n_orgs - 1, 0))
    key = np.zeros(n)
    key[org >= 0] = start[org[org >= 0]]
    key += (1.0 - key) * rng.random(n) ** GROWTH
    order = np.argsort(key, kind="stable")
    org, key = org[order], key[order]
    joined = start_s + np.floor(key * (JOIN_SPAN_DAYS * DAY)).astype(np.int64)
    steps = np.arange(n, dtype=np.int64)
    joined = np.maximum.accumulate(joined - steps) + steps  # strictly increasing
    referrer, depth, root = _referral_urn(org, n_orgs, rng, report)
    recruits = np.bincount(referrer[referrer >= 0], minlength=n)
    return _Forest(n_orgs, org, referrer, joined, depth, root, recruits)


def _org_labels(n: int, rng: np.random.Generator) -> Array:
    """Each member's organization (-1 = singleton), in no particular order yet.

    About 3 + n/5000 orgs (at most 50), each with at least two members so that every org
    root has a recruit; sizes follow a jittered power law, the first org by far the
    biggest.
    """
    singles = round(n * SINGLETON_SHARE)
    n_orgs = min(MAX_ORGS, 3 + n // 5000, (n - singles) // 2)
    if n_orgs <= 0:
        return np.full(n, -1, np.int64)
    weights = np.arange(1, n_orgs + 1, dtype=float) ** -ORG_SIZE_EXPONENT
    jitter = np.minimum(weights[1:] * rng.lognormal(0.0, 0.3, n_orgs - 1), SECOND_ORG_MAX)
    weights[1:] = np.sort(jitter)[::-1]
    sizes = 2 + rng.multinomial(n - singles - 2 * n_orgs, weights / weights.sum())
    return np.concatenate([np.repeat(np.arange(n_orgs), sizes), np.full(singles, -1)])


def _referral_urn(org: Array, n_orgs: int, rng: np.random.Generator,
                  report: Progress) -> tuple[Array, Array, Array]:
    """Pick each member's referrer; return (referrer, depth, root) per member.

    Per org, an urn holds every member once on joining plus URN_PER_RECRUIT times per
    recruit, so a uniform pick is preferential attachment (heavy-tailed recruiting) in
    O(1). Two entries per recruit rather than one is what lets a few members reach
    hundreds of recruits while most recruit none. With probability RECENT_SHARE the
    referrer is instead one of the org's latest joiners, which is what makes chains deep
    (depth grows with the log of the org's size). A referrer is always an earlier member.
    """
    n = len(org)
    coin = rng.random(n).tolist()
    pick = rng.random(n).tolist()
    urns: list[list[int]] = [[] for _ in range(n_orgs)]
    seen: list[list[int]] = [[] for _ in range(n_orgs)]
    referrer = [-1] * n
    depth = [0] * n
    root = list(range(n))
    for i, o in enumerate(org.tolist()):
        if i & 0xFFFF == 0:
            report("forest", i, n)
        if o < 0:
            continue
        joined, urn = seen[o], urns[o]
        if joined:
            if coin[i] < RECENT_SHARE:
                window = min(len(joined), max(RECENT_MIN, int(len(joined) * RECENT_FRACTION)))
                r = joined[-1 - int(pick[i] * window)]
            else:
                r = urn[int(pick[i] * len(urn))]
            referrer[i], depth[i], root[i] = r, depth[r] + 1, root[r]
            urn.extend([r] * URN_PER_RECRUIT)
        joined.append(i)
        urn.append(i)
    report("forest", n, n)
    return np.array(referrer, np.int64), np.array(depth, np.int64), np.array(root, np.int64)


def _members(f: _Forest, rng: np.random.Generator) -> _Members:
    """Platform (mostly the org's home platform), status, and tier (leaders recruit)."""
    n = len(f.org)
    home = rng.choice(len(PLATFORMS), size=max(f.n_orgs, 1), p=PLATFORM_P)
    anywhere = rng.choice(len(PLATFORMS), size=n, p=PLATFORM_P)
    at_home = (f.org >= 0) & (rng.random(n) < HOME_PLATFORM_SHARE)
    platform = np.where(at_home, home[np.maximum(f.org, 0)], anywhere)
    vip = (f.recruits >= VIP_RECRUITS) | (rng.random(n) < VIP_ANYWAY)
    leader = (f.recruits >= LEADER_RECRUITS) | ((f.referrer < 0) & (f.recruits > 0))
    tier = np.where(leader, 2, np.where(vip, 1, 0))
    status = rng.choice(len(MEMBER_STATUSES), size=n, p=MEMBER_STATUS_P)
    status[leader & (rng.random(n) < 0.8)] = 0  # leaders mostly stay active
    return _Members(platform, status, tier)


# --- accounts and products ------------------------------------------------------------------


def _accounts(m: _Members, rng: np.random.Generator) -> _Accounts:
    """Platform accounts: most members have one or two, each on a different platform.

    The first is on the member's own platform (a wechat member picks one); ids look like
    each platform's and are unique per platform. Ordered by member.
    """
    n = len(m.platform)
    k = len(ACCOUNT_PLATFORMS)
    count = rng.choice(len(ACCOUNTS_PER_MEMBER_P), size=n, p=ACCOUNTS_PER_MEMBER_P)
    member = np.repeat(np.arange(n), count)
    nth = np.arange(len(member)) - np.repeat(np.cumsum(count) - count, count)
    own = np.where(m.platform < k, m.platform, rng.choice(k, size=n, p=ACCOUNT_PLATFORM_P))
    second = rng.integers(1, k, n)  # an offset from the first platform: 1..3
    third = np.array([[2, 3], [1, 3], [1, 2]])[second - 1, rng.integers(0, 2, n)]
    offset = np.stack([np.zeros(n, np.int64), second, third], axis=1)
    platform = (own[member] + offset[member, np.minimum(nth, 2)]) % k
    ids = np.empty(len(member), dtype=object)
    for code, (first, stride, prefix) in enumerate(ACCOUNT_IDS):
        where = np.flatnonzero(platform == code)
        numbers = (first + np.arange(len(where), dtype=np.int64) * stride
                   + rng.integers(0, stride, len(where)))
        ids[where] = [prefix + str(x) for x in rng.permutation(numbers).tolist()]
    return _Accounts(member, platform, ids)


def _products(f: _Forest, rng: np.random.Generator) -> _Products:
    """max(40, members/250) products in a few categories; a handful are entry packages.

    Prices are heavy-tailed (lognormal, rounded to x.90 yuan). Shares and direct orders
    pick ordinary products by a Zipf popularity; entry packages are sold through joining
    only. The biggest org sells the 425-yuan gift pack, most others one pack or another.
    """
    n = max(40, len(f.org) // 250)
    n_entry = min(len(ENTRY_PACKS), 3 + n // 1000)
    category = rng.choice(len(CATEGORIES), size=n, p=CATEGORY_P)
    raw = rng.lognormal(np.log(MEDIAN_PRICE), 1.0, n)
    price = np.maximum(990, np.round(raw / 100).astype(np.int64) * 100 - 10)
    adjective = rng.integers(0, len(ADJECTIVES), n).tolist()
    noun = rng.random(n).tolist()
    names = []
    for a, x, c in zip(adjective, noun, category.tolist(), strict=True):
        nouns = NOUNS[CATEGORIES[c]]
        names.append(f"{ADJECTIVES[a]} {nouns[int(x * len(nouns))]}")
    entry = np.arange(n) < n_entry
    for i, (name, pack_price, pack_category) in enumerate(ENTRY_PACKS[:n_entry]):
        names[i], price[i], category[i] = name, pack_price, CATEGORIES.index(pack_category)
    rate = np.where(entry, ENTRY_RATE, np.round(rng.uniform(0.05, 0.30, n), 2))
    popularity = np.zeros(n)
    popularity[n_entry:] = (rng.permutation(n - n_entry) + 1.0) ** -1.1
    popularity /= popularity.sum()

    pack = rng.integers(0, n_entry, f.n_orgs)
    sells = rng.random(f.n_orgs) < ENTRY_ORG_SHARE
    sells[:1], pack[:1] = True, 0
    return _Products(category, np.array(names, dtype=object), price, rate, entry, popularity,
                     np.where(sells, pack, -1))


# --- trust ----------------------------------------------------------------------------------


def _social_trust(f: _Forest, end_s: int, rng: np.random.Generator) -> _Edges:
    """Trust from referral ties (strong) and acquaintances in the same org (weaker).

    Purchase ties come once purchases exist (``_with_purchase_ties``). No self loops, one
    edge per (src, dst); on a clash the referral tie wins.
    """
    recruit = np.flatnonzero(f.referrer >= 0)
    ref = f.referrer[recruit]
    back = rng.random(len(recruit)) < BACK_TIE_P
    up = _Edges(recruit, ref, _thousandths(rng.beta(5, 2, len(recruit))), f.joined[recruit],
                np.full(len(recruit), REFERRAL, np.int8))
    down = _Edges(ref[back], recruit[back], _thousandths(rng.beta(4, 3, int(back.sum()))),
                  _after(f.joined[recruit[back]], end_s, rng, spread=30 * DAY),
                  np.full(int(back.sum()), REFERRAL, np.int8))
    return _dedupe_edges(_concat([up, down, _acquaintances(f, end_s, rng)]), len(f.org))


def _acquaintances(f: _Forest, end_s: int, rng: np.random.Generator) -> _Edges:
    """Random ties inside an org: mostly people who joined around the same time (a WeChat
    group), some anyone in the org. Lower weights than referral ties."""
    by_org, org_start, org_size = _org_index(f)
    count = int(ACQUAINTANCES_PER_MEMBER * len(f.org)) if len(by_org) else 0
    a = by_org[rng.integers(0, max(len(by_org), 1), count)]
    o = f.org[a]
    rank = np.empty(len(f.org), np.int64)
    rank[by_org] = np.arange(len(by_org)) - org_start[f.org[by_org]]
    near = np.clip(rank[a] + rng.integers(-NEAR_WINDOW, NEAR_WINDOW + 1, count), 0,
                   org_size[o] - 1)
    anywhere = (rng.random(count) * org_size[o]).astype(np.int64)
    b = by_org[org_start[o] + np.where(rng.random(count) < NEAR_ACQUAINTANCE, near, anywhere)]
    since = _after(np.maximum(f.joined[a], f.joined[b]), end_s, rng, spread=120 * DAY)
    return _Edges(a, b, _thousandths(rng.beta(2, 5, count)), since,
                  np.full(count, ACQUAINTANCE, np.int8))


def _with_purchase_ties(social: _Edges, p: _Purchases, n: int,
                        rng: np.random.Generator) -> _Edges:
    """Add buyer -> promoter trust for member purchases, then order all edges by time."""
    tie = np.flatnonzero((p.buyer >= 0) & (p.promoter >= 0) & (p.buyer != p.promoter))
    ties = _Edges(p.buyer[tie], p.promoter[tie], _thousandths(rng.beta(3, 3, len(tie))),
                  p.at[tie], np.full(len(tie), PURCHASE_TIE, np.int8))
    merged = _dedupe_edges(_concat([social, ties]), n)
    return _take(merged, np.lexsort((merged.dst, merged.src, merged.since)))


def _dedupe_edges(e: _Edges, n: int) -> _Edges:
    """Drop self loops and keep the first edge of each (src, dst)."""
    keep = np.flatnonzero(e.src != e.dst)
    _, first = np.unique(e.src[keep] * n + e.dst[keep], return_index=True)
    return _take(e, keep[np.sort(first)])


def _adjacency(e: _Edges, n: int) -> tuple[Array, Array]:
    """Undirected CSR (indptr, neighbours) of the trust graph, for picking clickers."""
    nodes = np.concatenate([e.src, e.dst])
    nbrs = np.concatenate([e.dst, e.src])
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(nodes, minlength=n), out=indptr[1:])
    return indptr, nbrs[np.argsort(nodes, kind="stable")]


def _pick_neighbour(adj: tuple[Array, Array], who: Array, rng: np.random.Generator) -> Array:
    """A uniform trust neighbour of each ``who``, or -1 where it has none."""
    indptr, nbrs = adj
    deg = indptr[who + 1] - indptr[who]
    slot = indptr[who] + (rng.random(len(who)) * deg).astype(np.int64)
    if not len(nbrs):
        return np.full(len(who), -1, np.int64)
    return np.where(deg > 0, nbrs[np.minimum(slot, len(nbrs) - 1)], -1)


def _pick_org_member(f: _Forest, who: Array, rng: np.random.Generator) -> Array:
    """A uniform member of each ``who``'s org, or -1 for a singleton."""
    by_org, start, size = _org_index(f)
    if not len(by_org):
        return np.full(len(who), -1, np.int64)
    o = np.maximum(f.org[who], 0)
    slot = start[o] + (rng.random(len(who)) * size[o]).astype(np.int64)
    return np.where(f.org[who] >= 0, by_org[np.minimum(slot, len(by_org) - 1)], -1)


def _org_index(f: _Forest) -> tuple[Array, Array, Array]:
    """Members grouped by org, in join order: (members, start offset, size per org)."""
    in_org = np.flatnonzero(f.org >= 0)
    by_org = in_org[np.argsort(f.org[in_org], kind="stable")]
    size = np.bincount(f.org[in_org], minlength=f.n_orgs)
    return by_org, np.cumsum(size) - size, size


def _edge_weight(e: _Edges, src: Array, dst: Array, n: int) -> Array:
    """The weight (0..1) of each src -> dst trust edge, 0 where there is none."""
    if not len(e.src):
        return np.zeros(len(src))
    key = e.src * n + e.dst
    order = np.argsort(key)
    want = src * n + dst
    pos = np.minimum(np.searchsorted(key[order], want), len(key) - 1)
    return np.where(key[order[pos]] == want, e.weight[order[pos]] / 1000.0, 0.0)


# --- shares, clicks, purchases ----------------------------------------------------------------


def _shares(f: _Forest, m: _Members, products: _Products, end_s: int,
            rng: np.random.Generator) -> _Shares:
    """Shares by active members, heavy-tailed per promoter (Pareto); leaders share most."""
    n = len(f.org)
    weight = (rng.pareto(1.5, n) + 0.2) * np.asarray(TIER_SHARE_WEIGHT)[m.tier]
    weight[m.status != 0] = 0.0
    total = weight.sum()
    count = rng.poisson(weight * (SHARES_PER_MEMBER * n / total)) if total else weight.astype(int)
    promoter = np.repeat(np.arange(n), count)
    at = _after(f.joined[promoter], end_s, rng)
    product = rng.choice(len(products.price), size=len(promoter), p=products.popularity)
    channel = rng.choice(len(CHANNELS), size=len(promoter), p=CHANNEL_P)
    return _take(_Shares(promoter, product, at, channel), np.lexsort((promoter, at)))


def _clicks(f: _Forest, s: _Shares, adj: tuple[Array, Array], end_s: int,
            rng: np.random.Generator) -> _Clicks:
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
    viewer = _pick_neighbour(adj, promoter, rng)
    anyone = (viewer < 0) | (rng.random(len(share)) >= NEIGHBOUR_CLICK)
    viewer = np.where(anyone, _pick_org_member(f, promoter, rng), viewer)
    at = s.at[share] + 1 + rng.exponential(8 * HOUR, len(share)).astype(np.int64)
    ok = ((viewer >= 0) & (viewer != promoter) & (at < end_s)
          & (f.joined[np.maximum(viewer, 0)] < s.at[share]))
    clicks = _Clicks(viewer[ok], share[ok], at[ok])
    _, first = np.unique(clicks.share * n + clicks.viewer, return_index=True)
    clicks = _take(clicks, np.sort(first))
    return _take(clicks, np.lexsort((clicks.viewer, clicks.share, clicks.at)))


def _purchases(f: _Forest, products: _Products, s: _Shares, c: _Clicks, social: _Edges,
               adj: tuple[Array, Array], end_s: int, rng: np.random.Generator) -> _Purchases:
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
    trust = _edge_weight(social, c.viewer, promoter, n)
    sold = np.flatnonzero(rng.random(len(c.at)) < CONVERT_BASE + CONVERT_SLOPE * trust)
    converted = _Purchases(c.viewer[sold], s.product[c.share[sold]], promoter[sold],
                           c.share[sold], c.at[sold] + _delay(len(sold), 4 * HOUR, rng),
                           _qty(len(sold), rng))

    out = np.repeat(np.arange(n_s), rng.poisson(OUTSIDE_PER_SHARE, n_s))
    outside = _Purchases(np.full(len(out), -1), s.product[out], s.promoter[out], out,
                         s.at[out] + _delay(len(out), 12 * HOUR, rng), _qty(len(out), rng))

    own = np.flatnonzero(rng.random(n_s) < SELF_PURCHASE_P)
    self_bought = _Purchases(s.promoter[own], s.product[own], s.promoter[own], own,
                             s.at[own] + _delay(len(own), 2 * HOUR, rng), _qty(len(own), rng))

    share_count = np.bincount(s.promoter, minlength=n)
    k = int(DIRECT_PER_MEMBER * n) if n_s else 0
    dp = rng.choice(n, size=k, p=share_count / max(n_s, 1)) if k else np.zeros(0, np.int64)
    db = np.where(rng.random(k) < DIRECT_OUTSIDE, -1, _pick_neighbour(adj, dp, rng))
    since = np.maximum(f.joined[dp], np.where(db >= 0, f.joined[np.maximum(db, 0)], 0))
    direct = _Purchases(db, rng.choice(len(products.price), size=k, p=products.popularity), dp,
                        np.full(k, -1), _after(since, end_s, rng), _qty(k, rng))

    pack = np.where(f.org >= 0, products.org_pack[np.maximum(f.org, 0)], -1) if f.n_orgs \
        else np.full(n, -1)
    new = np.flatnonzero((f.referrer >= 0) & (pack >= 0) & (rng.random(n) < ENTRY_BUY_P))
    entry = _Purchases(new, pack[new], f.referrer[new], np.full(len(new), -1),
                       f.joined[new] + 60 + rng.integers(0, 6 * HOUR, len(new)),
                       np.ones(len(new), np.int64))

    p = _concat([converted, outside, self_bought, direct, entry])
    p = _take(p, np.flatnonzero(p.at < end_s))
    return _take(p, np.lexsort((p.product, p.at)))


def _delay(k: int, mean: float, rng: np.random.Generator) -> Array:
    """At least a second, exponential with ``mean`` seconds."""
    return 1 + rng.exponential(mean, k).astype(np.int64)


def _qty(k: int, rng: np.random.Generator) -> Array:
    return 1 + rng.choice(len(QTY_P), size=k, p=QTY_P)


def _after(t: Array, end_s: int, rng: np.random.Generator, spread: int | None = None) -> Array:
    """A time strictly after each ``t`` and strictly before ``end_s``: uniform over what
    is left of the year, or over at most ``spread`` seconds when given."""
    room = np.maximum(end_s - t - 2, 0)
    if spread is not None:
        room = np.minimum(room, spread)
    return t + 1 + (rng.random(len(t)) * room).astype(np.int64)


def _thousandths(w: Array) -> Array:
    """A weight in (0, 1] as integer thousandths, so it prints as exactly 3 decimals."""
    return np.clip(np.round(w * 1000), 1, 1000).astype(np.int64)


# --- writing ------------------------------------------------------------------------------------

Column = Callable[[int, int], list[str]]
CHUNK: Final = 250_000


def _write_all(out: Path, net: _Network, rng: np.random.Generator, start_s: int, end_s: int,
               report: Progress) -> tuple[dict[str, int], dict[str, Path]]:
    """Write every canonical file; return the rows and the path per entity."""
    f, m, a, pr, t, s, c, p = (net.forest, net.members, net.accounts, net.products, net.trust,
                               net.shares, net.clicks, net.purchases)
    member_id = _id_table("m", len(f.org))
    share_id = _id_table("s", len(s.at))
    product_id = _id_table("p", len(pr.price))
    order_id = _order_ids(len(p.at), rng)
    clock = _Clock(start_s, end_s)
    amount = pr.price[p.product] * p.qty
    commission = np.round(amount * pr.rate[p.product]).astype(np.int64)
    status = np.where(p.at >= end_s - 15 * DAY,
                      rng.choice(len(PURCHASE_STATUSES), size=len(p.at), p=RECENT_STATUS_P),
                      rng.choice(len(PURCHASE_STATUSES), size=len(p.at), p=OLD_STATUS_P))
    weights = tuple(f"{k / 1000:.3f}" for k in range(1001))

    tables: dict[str, list[Column]] = {
        "members": [_every(member_id), _lookup(member_id, f.referrer),
                    _lookup(PLATFORMS, m.platform), clock.column(f.joined),
                    _lookup(MEMBER_STATUSES, m.status), _lookup(TIERS, m.tier)],
        "accounts": [_lookup(member_id, a.member), _lookup(ACCOUNT_PLATFORMS, a.platform),
                     _every(a.account_id)],
        "products": [_every(product_id), _every(pr.name), _lookup(CATEGORIES, pr.category),
                     _ints(pr.price), _lookup(("false", "true"), pr.entry.astype(np.int64))],
        "trust": [_lookup(member_id, t.src), _lookup(member_id, t.dst),
                  _lookup(weights, t.weight), clock.column(t.since),
                  _lookup(TRUST_SOURCES, t.source)],
        "shares": [_every(share_id), _lookup(member_id, s.promoter),
                   _lookup(product_id, s.product), clock.column(s.at),
                   _lookup(CHANNELS, s.channel)],
        "clicks": [_lookup(member_id, c.viewer), _lookup(share_id, c.share),
                   clock.column(c.at)],
        "purchases": [_every(order_id), _lookup(member_id, p.buyer),
                      _lookup(product_id, p.product), _lookup(member_id, p.promoter),
                      _lookup(share_id, p.share), clock.column(p.at), _ints(amount),
                      _ints(commission), _lookup(PURCHASE_STATUSES, status)],
    }
    counts = {"members": len(f.org), "accounts": len(a.member), "products": len(pr.price),
              "trust": len(t.src), "shares": len(s.at), "clicks": len(c.at),
              "purchases": len(p.at)}
    files: dict[str, Path] = {}
    for spec in canonical.FILES:
        columns = tables[spec.entity]
        if len(columns) != len(spec.header):
            raise AssertionError(f"{spec.entity}: {len(columns)} columns for {spec.header}")
        files[spec.entity] = out / spec.filename
        _write_csv(files[spec.entity], spec.header, counts[spec.entity], columns,
                   lambda done, total, e=spec.entity: report(f"write {e}", done, total))
    return {spec.entity: counts[spec.entity] for spec in canonical.FILES}, files


def _write_csv(path: Path, header: Sequence[str], count: int, columns: Sequence[Column],
               report: Callable[[int, int], None]) -> None:
    """Write in chunks: each column renders a slice as strings, rows join with commas.

    Measured faster than the csv module. No value the generator makes contains a comma,
    quote or newline, so nothing needs quoting.
    """
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")
        report(0, count)
        for lo in range(0, count, CHUNK):
            hi = min(count, lo + CHUNK)
            cells = [col(lo, hi) for col in columns]
            fh.write("\n".join(map(",".join, zip(*cells, strict=True))))
            fh.write("\n")
            report(hi, count)


def _id_table(prefix: str, count: int) -> Array:
    """Ids ``prefix`` + 1-based number zero-padded to fit ``count``, then "" (index -1)."""
    width = len(str(count))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, count + 1)] + [""],
                    dtype=object)


def _order_ids(count: int, rng: np.random.Generator) -> Array:
    """19-digit order ids that increase with time, like a platform's; then ""."""
    numbers = (ORDER_ID_BASE + np.arange(count, dtype=np.int64) * 1000
               + rng.integers(0, 1000, count))
    return np.array([*map(str, numbers.tolist()), ""], dtype=object)


def _lookup(table: Sequence[str] | Array, idx: Array) -> Column:
    """table[idx] for a slice of rows; idx -1 picks the last entry ("" for null)."""
    values = np.asarray(table, dtype=object)
    return lambda lo, hi: values[idx[lo:hi]].tolist()


def _every(values: Array) -> Column:
    """A column that is ``values`` itself, in order (its trailing "" is never reached)."""
    return lambda lo, hi: values[lo:hi].tolist()


def _ints(values: Array) -> Column:
    return lambda lo, hi: list(map(str, values[lo:hi].tolist()))


class _Clock:
    """Formats epoch seconds as ISO-8601 UTC (``2025-03-01T08:15:00Z``) from a day table
    and a time-of-day table: several times faster than ``numpy.datetime_as_string``."""

    def __init__(self, start_s: int, end_s: int) -> None:
        self.first_day = start_s // DAY
        days = np.arange(self.first_day, end_s // DAY + 1).astype("datetime64[D]")
        self.days = np.array([d + "T" for d in np.datetime_as_string(days).tolist()],
                             dtype=object)
        self.times = np.array([f"{h:02d}:{m:02d}:{s:02d}Z" for h in range(24)
                               for m in range(60) for s in range(60)], dtype=object)

    def column(self, t: Array) -> Column:
        def render(lo: int, hi: int) -> list[str]:
            day, second = np.divmod(t[lo:hi], DAY)
            return list(map(operator.add, self.days[day - self.first_day].tolist(),
                            self.times[second].tolist()))
        return render


def _epoch(t: datetime) -> int:
    """Whole epoch seconds; a naive datetime is taken as UTC."""
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return int(t.timestamp())


def _stats(f: _Forest, rows: dict[str, int], files: dict[str, Path]) -> NetworkStats:
    is_root = f.referrer < 0
    return NetworkStats(
        members=len(f.org),
        organizations=int((is_root & (f.recruits > 0)).sum()),
        roots=int(is_root.sum()),
        max_depth=int(f.depth.max()),
        largest_tree=int(np.bincount(f.root).max()),
        rows=rows,
        files=files,
    )
