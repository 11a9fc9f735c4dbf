"""Words for the compliance answer's codes, in the message catalogue: what each flag,
tier, condition and number is about, for a reader who does not know refnet's codes.
The case file and the command line's tables say them the same way."""

from __future__ import annotations

from typing import Final

from refnet.api.language import N_

__all__ = ["CHECK_TITLES", "CONDITION_CODES", "NUMBER_LABELS", "PATTERN_LABELS",
           "PATTERN_WORDS", "SEVERITY_LABELS", "STATUS_LABELS", "TIER_CODES", "TIER_LABELS",
           "TIER_WORDS"]

# what each flag or check is about, in a sentence a reader without refnet knows
CHECK_TITLES: Final = {
    "PYRAMID_THRESHOLD": N_("30 or more people in 3 or more levels"),
    "COMMISSION_DEPTH": N_("Commission paid on more levels than the policy allows"),
    "COMMISSION_PLAN_DEPTH": N_("The payout plan pays deeper than the policy allows"),
    "DIRECT_RECRUITMENT_VELOCITY": N_("A member recruited very many people in a short time"),
    "DOWNLINE_RECRUITMENT_VELOCITY": N_("A downline grew very fast"),
    "ENTRY_PACKAGE_SHARE": N_("Entry packages are a large share of sales"),
    "ENTRY_PACKAGE_ONLY_BUYERS": N_("Many members bought nothing but an entry package"),
    "INTERNAL_CONSUMPTION": N_("Members buy most of what is sold"),
    "RECRUITMENT_REWARD_RATIO": N_("Rewards for recruiting outweigh retail commission"),
    "REFERRAL_CYCLE": N_("Referrals that go round in a cycle"),
    "SECOND_REFERRER": N_("Members claimed by a second referrer"),
    "REFUSED_REFERRALS": N_("Referral rows the loads refused"),
    "STUB_OR_UNTIED_PROMOTER": N_("Sales credited to promoters outside the tree"),
    "STUB_PROMOTER": N_("Sales credited to accounts no member claims"),
    "UNTIED_PROMOTER": N_("Sales credited to members with no referral tie"),
}
# a flag's numbers, by their key in the answer
NUMBER_LABELS: Final = {
    "amount": N_("amount"), "buyers": N_("buyers"), "buying_members": N_("buying members"),
    "commission": N_("commission"), "crossing_members": N_("members crossing"),
    "days": N_("days"), "direct_recruits": N_("direct recruits"), "downline": N_("downline"),
    "entry_gmv": N_("entry packages"), "entry_purchases": N_("entry-package orders"),
    "entry_share": N_("entry-package share"), "gmv": N_("GMV"),
    "internal_gmv": N_("bought by members"), "internal_share": N_("members' share"),
    "levels": N_("levels"), "levels_paid": N_("levels paid"),
    "max_distance": N_("deepest level paid"), "max_levels": N_("levels allowed"),
    "max_ratio": N_("ratio allowed"), "max_recruits": N_("recruits allowed"),
    "max_share": N_("share allowed"), "members": N_("members"),
    "min_levels": N_("levels needed"), "min_people": N_("people needed"),
    "outside_gmv": N_("bought by outside buyers"), "peak_at": N_("peak at"),
    "people": N_("people"), "plan_levels": N_("levels the plan pays"),
    "promoter_level": N_("promoter's level"), "promoters": N_("promoters"),
    "purchases": N_("orders"), "quarantine_files_read": N_("quarantine files read"),
    "recruits": N_("recruits"), "referrers": N_("referrers"), "refused": N_("refused rows"),
    "retail_commission": N_("retail commission"), "reward_commission": N_("recruiting rewards"),
    "reward_to_retail": N_("rewards / retail"), "self_gmv": N_("bought by the promoter"),
    "share": N_("share"), "unattributed_gmv": N_("unattributed"),
    "buying_recruits": N_("recruits who bought"),
    "paying_recruits": N_("recruits who paid to join"),
    "fees": N_("entry fees"), "min_fees": N_("fees needed"), "min_share": N_("share needed"),
    "entry_commission": N_("commission on entry packages"),
    "sales_commission": N_("commission on sales"),
}
SEVERITY_LABELS: Final = {"critical": N_("critical"), "warning": N_("warning"),
                          "info": N_("for information")}
# the 2013 opinion: the tier the numbers reach and the pattern the conditions show
TIER_LABELS: Final = {"none": N_("Below the opinion's threshold."),
                      "threshold": N_("The opinion's threshold is reached (article 1)."),
                      "serious": N_("The opinion's serious tier (情节严重) is reached "
                                    "(article 4).")}
PATTERN_LABELS: Final = {
    "pyramid": N_("The data shows every defining condition of pyramid selling."),
    "team_remuneration": N_("Only team remuneration by sales shows, with no entry fee: not "
                            "the criminal pattern (article 5)."),
    "incomplete": N_("The data does not show every defining condition."),
    "unknown": N_("The data cannot tell every defining condition."),
}
TIER_CODES: Final = {"PYRAMID_THRESHOLD": N_("30 or more people in 3 or more levels"),
                     "SERIOUS_PEOPLE": N_("120 or more people (情节严重)"),
                     "SERIOUS_FEES": N_("2,500,000 yuan or more of fees (情节严重)")}
CONDITION_CODES: Final = {"ENTRY_FEE": N_("Joining by paying (an entry fee)"),
                          "LEVELS": N_("Levels in a set order"),
                          "RECRUITMENT_REWARDS": N_("Rewards by the number recruited")}
STATUS_LABELS: Final = {"met": N_("met"), "not_met": N_("not met"),
                        "unknown": N_("cannot tell")}
# the same, as a table's cell
TIER_WORDS: Final = {"none": N_("below the threshold"), "threshold": N_("threshold (art. 1)"),
                     "serious": N_("serious, 情节严重 (art. 4)")}
PATTERN_WORDS: Final = {"pyramid": N_("pyramid selling"),
                        "team_remuneration": N_("team remuneration by sales"),
                        "incomplete": N_("not every condition shown"),
                        "unknown": N_("cannot tell")}
