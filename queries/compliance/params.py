"""The compliance question's inputs (``refnet query compliance``, GraphQL ``compliance``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from refnet.queries.params import MAX_DAYS, WindowParams, param

__all__ = ["MAX_EVIDENCE", "CaseFileParams", "ComplianceParams"]

MAX_EVIDENCE: Final = 1_000
POLICY_HELP: Final = ("The policy to judge by: a preset (cn, us-ftc), or a .toml file on the "
                      "command line.")


@dataclass(frozen=True, kw_only=True)
class ComplianceParams(WindowParams):
    """Pyramid-scheme signals judged by a policy, with their evidence.

    ``policy`` is a preset name (``cn``, ``us-ftc``) or, on the command line only, a
    policy .toml file: the API refuses paths, which would read the server's disk.
    """

    question = "compliance"

    policy: str = param("cn", POLICY_HELP, metavar="NAME|FILE")
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


@dataclass(frozen=True, kw_only=True)
class CaseFileParams(WindowParams):
    """The compliance case file of one organization (``refnet report compliance``,
    GraphQL ``makeCaseFile``): the compliance question on ``root_id``'s organization
    with every chain in full, and, when asked, a what-if under another payout rule."""

    question = "casefile"

    root_id: str = param(help="The organizer whose organization the case file is about.",
                         kind="member", metavar="MEMBER", cli=("--root",))
    policy: str = param("cn", POLICY_HELP, metavar="NAME|FILE")
    plan_levels: int | None = param(None, "Levels the organization's payout plan pays.",
                                    low=1, high=100)
    whatif_levels: int | None = param(None, "What if commission reached at most this many "
                                            "levels above the buyer: who gains, who loses.",
                                      low=1, high=100)
    whatif_entry: str = param("keep", "What if entry packages were sold (keep) or not "
                                      "(remove, with their commission).",
                              enum="WhatIfEntry", choices={
                                  "keep": "Entry packages stay as sold.",
                                  "remove": "Entry packages, and their commission, removed."})
    whatif_beyond: str = param("dropped", "Under --whatif-levels, commission beyond the cap "
                                          "is paid to nobody (dropped) or to the buyer's "
                                          "upline at the cap (upline).",
                               enum="WhatIfBeyond", choices={
                                   "dropped": "Commission beyond the cap is paid to nobody.",
                                   "upline": "It is paid to the buyer's upline at the cap."})
    days: int = param(365, "The window's length in days, ending at as of.", low=1,
                      high=MAX_DAYS)

    @property
    def whatif(self) -> bool:
        """Whether a what-if is asked for."""
        return self.whatif_levels is not None or self.whatif_entry == "remove"

