"""Chinese first: the language, the time zone and the formats every page uses.

Labels are English message ids translated through the one catalogue
(``refnet.api.language``; the English ids stand for themselves), chosen per session: the
organization's language (``Config.language``, zh-CN unless set) unless the user picked
another (``?lang=en``, remembered in the session), never guessed from the browser. Money
is yuan with ¥ from integer fen, counts grouped by thousands (``refnet.api.formats``),
instants shown in the organization's zone (``Config.timezone``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, session
from flask_babel import Babel

from refnet.api.formats import count, percent, signed, yuan
from refnet.api.language import DIRECTORY, LANGUAGES

__all__ = ["LANGUAGES", "install", "language"]

def language() -> str:
    """The session's language: a ``?lang=`` choice is remembered for the next pages."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    lang = session.get("lang")
    return lang if lang in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]


def install(app: Flask, timezone: str, default: str) -> None:
    """Flask-Babel with refnet's choice of language and zone, and the format filters."""
    app.config["BABEL_DEFAULT_LOCALE"] = default
    app.config["BABEL_DEFAULT_TIMEZONE"] = timezone
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(DIRECTORY)
    Babel(app, locale_selector=language, timezone_selector=lambda: timezone)
    app.jinja_env.filters.update(yuan=yuan, count=count, percent=percent, instant=instant,
                                 signed=signed)


def instant(ms: int | None, with_time: bool = True) -> str:
    """An epoch-ms instant in the organization's zone: ``2026-12-05 14:03``."""
    if ms is None:
        return "—"
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    moment = datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
