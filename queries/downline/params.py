"""The downline question's inputs (``refnet query downline``, GraphQL ``downline``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from refnet.queries.params import MAX_DAYS, MAX_TOP, Params, WindowParams, param

__all__ = ["MAX_DEPTH", "DownlineParams", "UplineParams"]

MAX_DEPTH: Final = 100


@dataclass(frozen=True, kw_only=True)
class DownlineParams(WindowParams):
    """Is a member's team growing, active, buying, or hollow?"""

    question = "downline"

    root_id: str = param(help="The member whose downline to judge.", kind="member",
                         metavar="ROOT")
    max_depth: int | None = param(None, "Levels below the root to include; default: the "
                                        "whole tree.", low=1, high=MAX_DEPTH)
    top: int = param(10, "Branches (and recruiters) to list.", low=1, high=MAX_TOP)
    days: int = param(30, "The activity window's length in days, ending at as of.", low=1,
                      high=MAX_DAYS, graphql=("active_days",))


@dataclass(frozen=True, kw_only=True)
class UplineParams(Params):
    """The chain of referrers from a member's root down to the member."""

    question = "upline"

    member_id: str = param(help="The member whose upline to show.", kind="member",
                           metavar="MEMBER")
    as_of: str | None = param(None, "The chain as it stood then; default: everything "
                                    "stored.", kind="instant", metavar="DATE")
