"""Chinese first: the language, the time zone and the formats every page uses.

Labels are English message ids translated through the catalogue under
``translations/`` (zh-CN; the English ids stand for themselves), chosen per session:
zh-CN unless the user picked English (``?lang=en``, remembered in the session), never
guessed from the browser. Money is yuan with ¥ from integer fen (never a float on the
way), counts are grouped by thousands with commas (as both languages write them),
instants are shown in the organization's zone (``Config.timezone``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, session
from flask_babel import Babel

__all__ = ["LANGUAGES", "install", "language"]

LANGUAGES: Final = {"zh": "中文", "en": "English"}
DEFAULT: Final = "zh"


def language() -> str:
    """The session's language: a ``?lang=`` choice is remembered for the next pages."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    lang = session.get("lang")
    return lang if lang in LANGUAGES else DEFAULT


def install(app: Flask, timezone: str) -> None:
    """Flask-Babel with refnet's choice of language and zone, and the format filters."""
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT
    app.config["BABEL_DEFAULT_TIMEZONE"] = timezone
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    Babel(app, locale_selector=language, timezone_selector=lambda: timezone)
    app.jinja_env.filters.update(yuan=yuan, count=count, percent=percent, instant=instant,
                                 signed=signed)


def yuan(fen: int | None) -> str:
    """``¥1,234.50`` from 123450 fen: integer arithmetic, thousands grouped by commas as
    both zh-CN and en write them (Babel's formatter cost a page 15 ms for 200 numbers)."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def count(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def percent(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:.{digits}%}"


def signed(x: float | None) -> str:
    """A change as a signed percentage (``+12.5%``), ``—`` when there is no base."""
    if x is None:
        return "—"
    return ("+" if x > 0 else "") + percent(x)


def instant(ms: int | None, with_time: bool = True) -> str:
    """An epoch-ms instant in the organization's zone: ``2026-12-05 14:03``."""
    if ms is None:
        return "—"
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    moment = datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
