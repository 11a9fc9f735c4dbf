"""The organizer's web app at ``/``: server-rendered pages (Flask + Jinja2) over the
same question functions and the same scope code as the GraphQL API.

* ``auth``: sign-in with an API key, then a signed session cookie; CSRF on every POST;
  failed sign-ins limited per address.
* ``i18n``: zh-CN first, English by choice, through the message catalogue
  (``refnet.api.language``); money in yuan, instants in the organization's zone.
* ``periods``: 今日 / 本周 / 本月 / 上月 / 近30天 / two dates, in that zone.
* ``pages``: the pages (routes, scope, refusals), with ``casefiles`` the compliance
  case files (list, make, open) and ``params`` a question's inputs from a form; ``labels``
  every word for one of refnet's codes; ``charts`` the ECharts options they draw;
  ``rows`` what they list and export; ``export`` XLSX and CSV. Charts are drawn by
  Apache ECharts, served from the package (``static/vendor``, built from npm by
  ``assets/build.py`` at install time): no page loads anything from another host.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask

from refnet.graph.store import GraphStore

from . import auth, i18n, pages

__all__ = ["register"]


def register(app: Flask, store: Callable[[], GraphStore], data_dir: Path, timezone: str,
             language: str, import_dir: Path | None = None) -> None:
    """Add the web app's pages to ``app``; ``store`` gives this worker's store."""
    csrf = auth.install(app, data_dir)
    i18n.install(app, timezone, language)
    app.register_blueprint(pages.blueprint(store, csrf, timezone, import_dir))
