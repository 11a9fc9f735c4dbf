"""The referral forest and its members: organizations, join times, the referral urn,
and each member's platform, status and tier.

The shape the compliance and downline questions look for comes from here: one big
organization and a long tail, heavy-tailed recruiting, and chains deep enough to matter.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from refnet.graph.model import MEMBER_STATUSES

from .tables import DAY, Array, Forest, Members, Progress

__all__ = ["PLATFORMS", "TIERS", "draw_forest", "draw_members", "org_index", "pick_org_member"]

JOIN_SPAN_DAYS: Final = 335  # the last joiners still get a month of activity

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


def draw_forest(n: int, start_s: int, rng: np.random.Generator, report: Progress) -> Forest:
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
    return Forest(n_orgs, org, referrer, joined, depth, root, recruits)


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


def draw_members(f: Forest, rng: np.random.Generator) -> Members:
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
    return Members(platform, status, tier)


def org_index(f: Forest) -> tuple[Array, Array, Array]:
    """Members grouped by org, in join order: (members, start offset, size per org)."""
    in_org = np.flatnonzero(f.org >= 0)
    by_org = in_org[np.argsort(f.org[in_org], kind="stable")]
    size = np.bincount(f.org[in_org], minlength=f.n_orgs)
    return by_org, np.cumsum(size) - size, size


def pick_org_member(f: Forest, who: Array, rng: np.random.Generator) -> Array:
    """A uniform member of each ``who``'s org, or -1 for a singleton."""
    by_org, start, size = org_index(f)
    if not len(by_org):
        return np.full(len(who), -1, np.int64)
    o = np.maximum(f.org[who], 0)
    slot = start[o] + (rng.random(len(who)) * size[o]).astype(np.int64)
    return np.where(f.org[who] >= 0, by_org[np.minimum(slot, len(by_org) - 1)], -1)
