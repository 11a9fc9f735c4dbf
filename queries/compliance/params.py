"""The compliance question's inputs (``refnet query compliance``, GraphQL ``compliance``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from refnet.queries.params import MAX_DAYS, WindowParams, param

__all__ = ["MAX_EVIDENCE", "ComplianceParams"]

MAX_EVIDENCE: Final = 1_000


@dataclass(frozen=True, kw_only=True)
class ComplianceParams(WindowParams):
    """Pyramid-scheme signals judged by a policy, with their evidence.

    ``policy`` is a preset name (``cn``, ``us-ftc``) or, on the command line only, a
    policy .toml file: the API refuses paths, which would read the server's disk.
    """

    question = "compliance"

    policy: str = param("cn", "The policy to judge by: a preset (cn, us-ftc), or a .toml "
                              "file on the command line.", metavar="NAME|FILE")
    root_id: str | None = param(None, "Only this member's downline; default: the whole "
                                      "network (an organizer's key: its own downline).",
                                kind="member", metavar="MEMBER", cli=("--root",))
    plan_levels: int | None = param(None, "Levels the organization's payout plan pays: "
                                          "flags where commission would flow deeper than "
                                          "the policy allows.", low=1, high=100)
    evidence: int = param(5, "Evidence chains per flag (counts stay complete).", low=0,
                          high=MAX_EVIDENCE)
    days: int = param(365, "The window's length in days, ending at as of.", low=1,
                      high=MAX_DAYS)
