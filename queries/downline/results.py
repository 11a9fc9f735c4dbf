"""The downline question's answers: levels, branches, concentration, recruits, uplines."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Activity", "Branch", "Concentration", "DownlineHealth", "Level", "RecruitBucket",
           "Recruiter", "Recruits", "Upline", "UplineMember"]


@dataclass(frozen=True, kw_only=True)
class Activity:
    """Counts and money over a set of members (a level, a branch, the whole downline).

    Money is in minor units and covers paid and settled purchases in the window;
    ``gmv`` is what the members sold (attributed to them), ``bought_gmv`` what they
    bought. ``active_rate`` is None when there are no members.
    """

    members: int
    active: int
    inactive: int
    active_rate: float | None
    never_bought: int
    new_recruits: int  # joined in the window
    new_recruits_prev: int  # joined in the previous window
    churned: int  # active in the previous window, not in this one
    orders: int  # purchases attributed to the members in the window
    gmv: int
    commission: int
    entry_gmv: int  # part of gmv from entry packages
    gmv_prev: int  # gmv of the previous window
    bought_gmv: int


@dataclass(frozen=True, kw_only=True)
class Level(Activity):
    """One level of the tree: 0 is the root, k the members k referrals below it."""

    level: int


@dataclass(frozen=True, kw_only=True)
class Branch(Activity):
    """A child of the root with its whole subtree; ``gmv_share`` of the downline's GMV."""

    id: str
    depth: int  # levels below the child itself in its subtree (0 for a leaf)
    gmv_share: float | None  # None when the downline sold nothing in the window


@dataclass(frozen=True)
class Concentration:
    """Where the downline's GMV comes from, over all ``branches`` (dead ones included).

    Shares and ``gini`` are None when the downline sold nothing in the window.
    """

    branches: int
    top1_share: float | None
    top3_share: float | None
    gini: float | None


@dataclass(frozen=True)
class RecruitBucket:
    """Members who recruited between ``low`` and ``high`` members directly."""

    label: str  # "0", "1", "2-4", ...
    low: int
    high: int | None  # None: no upper bound
    members: int


@dataclass(frozen=True)
class Recruiter:
    """A member and how many members it recruited directly."""

    id: str
    recruits: int


@dataclass(frozen=True)
class Recruits:
    """How many members each downline member recruited (the root excluded)."""

    buckets: list[RecruitBucket]
    recruiters: int  # members with at least one recruit
    mean: float | None  # recruits per downline member; None for an empty downline
    max_recruits: int
    top: list[Recruiter]  # the members who recruited most, most first


@dataclass(frozen=True)
class DownlineHealth:
    """The health of ``root``'s downline over ``since < t <= as_of`` (epoch ms)."""

    root: str
    since: int
    as_of: int
    previous_since: int  # the previous window (churn, trends) is previous_since..since
    max_depth: int | None
    size: int  # downline members, the root excluded
    depth: int  # deepest level reached, 0 when the root recruited nobody
    totals: Activity  # the downline (levels >= 1)
    levels: list[Level]  # level 0 (the root) .. depth; breadth = members per level
    branches: list[Branch]  # the top branches by GMV (then size, id)
    dead: list[Branch]  # the largest branches with no GMV in the window
    dead_branches: int
    dead_branch_members: int
    concentration: Concentration
    recruits: Recruits  # recruits per downline member: the distribution and the top recruiters
    data_version: str | None = None  # the data version answered from; null from the Cypher walk


@dataclass(frozen=True)
class UplineMember:
    """One member on an upline, with its level below the root."""

    id: str
    level: int  # 0 for the root
    joined_at: int | None
    status: str | None
    tier: str | None


@dataclass(frozen=True)
class Upline:
    """The referrers above ``member``, root first, as of ``as_of`` (None: all stored)."""

    member: str
    as_of: int | None
    root: str
    depth: int  # referrals between the root and the member
    chain: list[UplineMember]  # root first, the member last
