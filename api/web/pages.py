"""The web app's pages: sign-in, sign-out and the team dashboard.

Each page asks the signed-in key's scope (``auth.scope``) before it reads anything;
a member outside it and a member that does not exist are the same 403, as in GraphQL.
A refused request gets a page with the error's code and message, never a stack trace;
an unexpected error gets a 500 page with an incident id, and the log has the rest.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Response,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, CSRFProtect

from refnet.graph.errors import BadInput, RefnetError, Unauthenticated
from refnet.graph.store import GraphStore
from refnet.graph.times import now_ms
from refnet.queries import downline, network
from refnet.queries import snapshot as snapshots

from ..errors import api_code, http_status
from . import auth
from .i18n import LANGUAGES
from .periods import PRESETS, period

__all__ = ["blueprint"]

log = logging.getLogger("refnet.web")

# the period picker's labels, in the order shown
PERIOD_LABELS = {"today": _l("Today"), "week": _l("This week"), "month": _l("This month"),
                 "last_month": _l("Last month"), "last_30": _l("Last 30 days"),
                 "custom": _l("Custom")}
assert tuple(PERIOD_LABELS) == PRESETS


def blueprint(store: Callable[[], GraphStore], csrf: CSRFProtect, timezone: str) -> Blueprint:
    bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/assets")
    failures = auth.Failures()

    @bp.before_request
    def protect() -> None:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()

    @bp.after_request
    def headers(response: Response) -> Response:
        # nothing from another host, no framing, no sniffing; pages are per user
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @bp.get("/")
    def home() -> Any:
        return redirect(url_for("web.team"))

    @bp.get("/signin")
    def signin_form() -> Any:
        return render_template("signin.html", next=_local(request.args.get("next")))

    @bp.post("/signin")
    def signin() -> Any:
        wait = failures.wait(request)
        if wait:
            page = render_template("signin.html", next=_local(request.form.get("next")),
                                   error=_("Too many failed sign-ins from this address: "
                                           "try again in %(seconds)s s.", seconds=wait))
            return make_response(page, 429, {"Retry-After": str(wait)})
        try:
            auth.sign_in(store(), request.form.get("key", ""))
        except Unauthenticated:
            failures.failed(request)
            page = render_template("signin.html", next=_local(request.form.get("next")),
                                   error=_("That key is not valid. Check it and try again."))
            return make_response(page, 401)
        return redirect(_local(request.form.get("next")) or url_for("web.team"))

    @bp.post("/signout")
    def signout() -> Any:
        auth.sign_out()
        return redirect(url_for("web.signin_form"))

    @bp.get("/team")
    def team() -> Any:
        s = store()
        scope = auth.scope(s)
        snap = snapshots.current(s, s.config.data_dir)
        root = (request.args.get("root") or "").strip() or scope.root
        if root is None:  # a key that sees everything starts at the largest organization
            largest = network.summary(s, top=1).largest
            root = largest[0].root if largest else None
        if root is None:
            return render_template("empty.html")
        scope.check(root)
        chosen = request.args.get("period") or "last_30"
        p = period(chosen, snap.latest if snap.latest is not None else now_ms(), timezone,
                   request.args.get("from"), request.args.get("to"))
        health = downline.health(s, root, p.window, top=10)
        return render_template(
            "team.html", health=health, period=p, periods=PERIOD_LABELS, root=root,
            own=root == scope.root, latest=snap.latest, version=snap.version,
            chart=_level_chart(health))

    @bp.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> Any:
        return _refused(BadInput(_("This form expired or did not come from refnet: "
                                   "open the page again and resend it.")), 400)

    @bp.errorhandler(RefnetError)
    def refused(error: RefnetError) -> Any:
        if isinstance(error, Unauthenticated):
            return redirect(url_for("web.signin_form", next=request.full_path.rstrip("?")))
        return _refused(error)

    @bp.errorhandler(Exception)
    def internal(error: Exception) -> Any:
        incident = uuid.uuid4().hex[:12]
        log.error("internal error %s at %s %s", incident, request.method, request.path,
                  exc_info=error)
        return render_template("error.html", code="INTERNAL", incident=incident,
                               message=_("Something went wrong on our side.")), 500

    @bp.app_context_processor
    def common() -> dict[str, Any]:
        return {"languages": LANGUAGES, "get_locale": get_locale, "change": _change}

    @bp.app_template_filter("urlencode_args")
    def urlencode_args(args: Any, **changes: str | None) -> str:
        """This page's query string with ``changes`` (None drops a parameter); the
        language is remembered in the session, so links do not carry it."""
        query = {k: v for k, v in args.items() if k != "lang"}
        for k, v in changes.items():
            if v is None:
                query.pop(k, None)
            else:
                query[k] = v
        return urlencode(query)

    return bp


def _refused(error: RefnetError, status: int | None = None) -> Any:
    code = api_code(error)
    return render_template("error.html", code=code, message=str(error)), \
        status or http_status(code)


def _change(now: int, before: int) -> float | None:
    """The relative change from ``before`` to ``now``; None when there is no base."""
    return None if not before else (now - before) / before


def _local(target: str | None) -> str | None:
    """``target`` when it is a path on this site (no scheme, no host): never an open
    redirect to another one."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target


def _level_chart(health: downline.DownlineHealth) -> dict[str, Any]:
    """The per-level chart's data (ECharts reads it from the page as JSON)."""
    levels = [lv for lv in health.levels if lv.level > 0]
    return {
        "levels": [lv.level for lv in levels],
        "members": [lv.members for lv in levels],
        "active": [lv.active for lv in levels],
        "gmv": [lv.gmv / 100 for lv in levels],  # yuan, for the axis only
        "labels": {"members": _("Members"), "active": _("Active"), "gmv": _("GMV (¥)"),
                   "level": _("Level")},
    }
