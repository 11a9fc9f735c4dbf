"""The case file's one template, rendered for the screen and for print alike.

A Jinja2 environment of its own (not the web app's Flask one), so the command line
renders the same document the web app serves: the words come from the one message
catalogue (``refnet.api.language``) in the case file's language, money is yuan from
fen, every instant is in the organization's zone. The styles are inlined and nothing is
fetched, so the HTML file stands alone and WeasyPrint lays the same text out as PDF.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any, Final
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from refnet.api import formats, language
from refnet.api.language import N_, RUN_WORDS
from refnet.api.names import is_money, is_time

from .case import Document
from .chart import picture

__all__ = ["CHECK_TITLES", "NUMBER_LABELS", "html"]


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
CHAINS_SHOWN: Final = 50  # per flag on the pages; the attached JSON holds every one
SHARES: Final = ("share", "max_share", "min_share", "entry_share", "internal_share")
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


def html(doc: Document) -> str:
    """The case file as one standalone HTML document."""
    env = _environment(doc.lang)
    zone = ZoneInfo(doc.zone)

    def instant(ms: int | None, with_time: bool = True) -> str:
        if ms is None:
            return "—"
        moment = datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone)
        return moment.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")

    def number(key: str, value: Any) -> str:
        if isinstance(value, bool):
            return str(value)
        if is_money(key) and isinstance(value, int):
            return formats.yuan(value)
        if key in SHARES and isinstance(value, (int, float)):
            return formats.percent(float(value))
        if is_time(key) and isinstance(value, (int, float)):
            return instant(int(value))
        if isinstance(value, float):
            return f"{value:,.2f}"
        return f"{value:,}" if isinstance(value, int) else str(value)

    # the answer as JSON inside <script>: no "<", ">" or "&" that HTML would read
    content = (doc.content.replace("&", "\\u0026").replace("<", "\\u003c")
               .replace(">", "\\u003e"))
    a = doc.case.assessment
    rules = [] if a is None else [*(t.rule for t in a.tiers), *(c.rule for c in a.conditions),
                                  *a.rules]
    quoted = list({r.code: r for r in rules if r is not None}.values())
    drawn = picture(doc.case.chart, below=language.catalogue(doc.lang).gettext(N_("below")))
    page = env.get_template("casefile.html")
    return page.render(doc=doc, case=doc.case, r=doc.case.report, instant=instant,
                       number=number, opinion_rules=quoted, picture=drawn,
                       chains_shown=CHAINS_SHOWN,
                       tier_labels=TIER_LABELS, pattern_labels=PATTERN_LABELS,
                       tier_codes=TIER_CODES, condition_codes=CONDITION_CODES,
                       status_labels=STATUS_LABELS, run_labels=RUN_WORDS,
                       css=Markup(_css()), content_script=Markup(content),
                       titles=CHECK_TITLES, number_labels=NUMBER_LABELS,
                       severities=SEVERITY_LABELS, lang=doc.lang,
                       html_lang="zh-CN" if doc.lang == "zh" else "en")


def listed(items: list[str], shown: int = 8) -> str:
    """``a, b, c …(+12)``: the first ``shown`` of a list a sentence names."""
    more = len(items) - shown
    return ", ".join(items[:shown]) + (f" …(+{more:,})" if more > 0 else "")


@cache
def _environment(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("refnet.api.casefile", "templates"),
                      autoescape=select_autoescape(default=True), extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(language.catalogue(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(yuan=formats.yuan, count=formats.count, percent=formats.percent,
                       listed=listed)
    return env


@cache
def _css() -> str:
    return (resources.files("refnet.api.casefile") / "templates" / "casefile.css").read_text()
