"""The conversion question's inputs (``refnet query conversion``, GraphQL ``conversion``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from refnet.queries.params import MAX_DAYS, MAX_TOP, WindowParams, param

__all__ = ["DEFAULT_TOP", "GROUPS", "MIN_CLICKS", "ConversionParams"]

GROUPS: Final = ("promoter", "trust", "level", "channel")
MIN_CLICKS: Final = 20
DEFAULT_TOP: Final = 20


@dataclass(frozen=True, kw_only=True)
class ConversionParams(WindowParams):
    """Shares -> clicks -> purchases, split by trust, level, channel or promoter."""

    question = "conversion"

    group_by: str = param("trust", "What the funnel is split by.", enum="ConversionSplit",
                          choices={
                              "trust": "The clicker's trust in the promoter at the click.",
                              "level": "The promoter's depth in its referral tree.",
                              "channel": "The share's channel.",
                              "promoter": "The promoter (the top N by GMV).",
                          }, cli=("--by",))
    promoter_id: str | None = param(None, "Only this promoter's shares; default: every "
                                          "promoter.", kind="member", metavar="MEMBER",
                                    cli=("--promoter",))
    top: int = param(DEFAULT_TOP, "Promoters to list, in the split and on each "
                                  "coverage-vs-conversion list.", low=1, high=MAX_TOP)
    min_clicks: int = param(MIN_CLICKS, "Clicks a promoter needs to be ranked by "
                                        "conversion.", low=1, high=1_000_000)
    root_id: str | None = param(None, "Only the shares of this member's downline, and the "
                                      "clicks and purchases through them (an organizer's "
                                      "key: its own downline).", kind="member",
                                metavar="MEMBER", cli=("--root",))
    as_of: str | None = param(
        None, "Ignore everything after this: a date (its end) or an ISO-8601 time with "
              "its offset; default: the latest event stored.", kind="instant",
        metavar="DATE", graphql=("until",))
    days: int = param(90, "The window's length in days, ending at as of.", low=1,
                      high=MAX_DAYS)
