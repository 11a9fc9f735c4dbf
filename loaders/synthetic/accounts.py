"""Members' platform accounts (where commission is paid), with ids shaped like each
platform's own."""

from __future__ import annotations

from typing import Final

import numpy as np

from .tables import Accounts, Members

__all__ = ["ACCOUNT_PLATFORMS", "draw_accounts"]

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


def draw_accounts(m: Members, rng: np.random.Generator) -> Accounts:
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
    return Accounts(member, platform, ids)
