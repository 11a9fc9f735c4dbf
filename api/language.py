"""The reader's language: zh-CN first, English by choice, from one message catalogue.

The catalogue (``translations/zh/LC_MESSAGES/messages.po``, compiled to ``.mo`` at
install time) serves every front end: the web app's pages through Flask-Babel, and the
command line's tables through ``use`` and ``_`` here. Message ids are the English
words, so English needs no catalogue of its own.

Until ``use`` chooses (the CLI does, from ``--lang`` / ``REFNET_LANG``), ``_`` returns
the English ids, as ``graph.times`` prints UTC until ``show_in``: a library caller
gets stable words, a person at the terminal gets Chinese.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Final

from refnet.graph.config import LANGUAGES as CODES
from refnet.graph.errors import ConfigError

__all__ = ["DEFAULT", "DIRECTORY", "ENTITY_WORDS", "LANGUAGES", "N_", "RUN_WORDS", "_", "catalogue",
           "use"]

LANGUAGES: Final = {"zh": "中文", "en": "English"}  # code -> its own name, as a picker shows it
assert tuple(LANGUAGES) == CODES
DEFAULT: Final = "zh"
DIRECTORY: Final = Path(__file__).parent / "translations"


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue for ``lang`` (English: the ids themselves)."""
    if lang not in LANGUAGES:
        raise ConfigError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    if lang == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation("messages", DIRECTORY, languages=[lang])
    except FileNotFoundError:
        raise ConfigError(f"the {lang} message catalogue is not compiled; reinstall refnet "
                          f"(pip install builds it)") from None


_current: gettext.NullTranslations = catalogue("en")


def use(lang: str) -> None:
    """Print every later label in ``lang`` (a CLI process chooses once)."""
    global _current
    _current = catalogue(lang)


def _(message: str) -> str:
    """``message`` in the chosen language."""
    return _current.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue; whoever shows it translates it then."""
    return message


# a load run's state, as the web app's loads page and the case file's list of loads say it
RUN_WORDS = {"queued": N_("queued"), "running": N_("running"), "finished": N_("finished"),
             "failed": N_("failed"), "stopped": N_("stopped")}
# the kinds of rows a load reads, as its report says them
ENTITY_WORDS = {"members": N_("members"), "accounts": N_("accounts"),
                "referrals": N_("referrals"), "trust": N_("trust ties"),
                "products": N_("products"), "shares": N_("shares"), "clicks": N_("clicks"),
                "purchases": N_("orders")}
