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
from refnet.api.words import (
    CHECK_TITLES,
    CONDITION_CODES,
    NUMBER_LABELS,
    PATTERN_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    TIER_CODES,
    TIER_LABELS,
)

from .case import Document
from .chart import picture

__all__ = ["html"]


CHAINS_SHOWN: Final = 50  # per flag on the pages; the attached JSON holds every one
SHARES: Final = ("share", "max_share", "min_share", "entry_share", "internal_share")


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
