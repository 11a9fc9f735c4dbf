"""The web app's pages: sign-in, sign-out, the team's pages, loads, GraphiQL, and the
compliance case files (``casefiles``).

Each page asks the signed-in key's scope (``auth.scope``) before it reads anything;
a member outside it and a member that does not exist are the same 403, as in GraphQL.
A refused request gets a page with the error's code and message, never a stack trace;
an unexpected error gets a 500 page with an incident id, and the log has the rest.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect

from refnet.graph.errors import BadInput, NotFound, RefnetError, Unauthenticated
from refnet.graph.store import GraphStore
from refnet.graph.times import now_ms
from refnet.loaders import quarantine
from refnet.loaders.profiles import load_profiles
from refnet.queries import conversion, downline, influence, network
from refnet.queries import snapshot as snapshots
from refnet.queries.downline.members import (
    MemberFilter,
    member_list,
    member_money,
)
from refnet.queries.downline.tree import TreeLevel, children_from
from refnet.queries.snapshot import Snapshot
from refnet.queries.window import Window

from .. import imports
from ..errors import api_code, http_status
from ..scope import Scope
from . import auth, casefiles
from .charts import funnel_chart, influence_chart, level_chart, slice_label
from .export import XLSX_MIME, to_csv, to_xlsx, to_xlsx_book
from .i18n import LANGUAGES
from .labels import (
    CODE_LABELS,
    ENTITY_LABELS,
    EXPORT_COLUMNS,
    PERIOD_LABELS,
    RUN_LABELS,
    SORT_LABELS,
    SPLIT_LABELS,
    STATE_LABELS,
)
from .periods import Period, midnight, parse_day, period
from .rows import (
    attachment,
    export_rows,
    file_safe,
    load_run_row,
    one_load_run,
    refused_sheets,
    refused_table,
    status,
)

__all__ = ["blueprint"]

log = logging.getLogger("refnet.web")

PAGE = 50  # members per page
CARD_ROWS = 20  # purchases and sales a member card lists, newest first
LOAD_RUNS = 50  # load runs the loads page lists, newest first
REFUSED_SHOWN = 50  # refused rows a load's page shows; the downloads hold them all
KEPT_ANSWERS = 64  # conversion and influence answers each worker keeps (``_kept``)
MAX_SEEDS = 20  # seed members the influence page chooses at most (IMM, on a click)


def blueprint(store: Callable[[], GraphStore], csrf: CSRFProtect, timezone: str,
              import_dir: Path | None = None) -> Blueprint:
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
            "default-src 'self'; img-src 'self' data:; font-src 'self' data:; "
            "style-src 'self' 'unsafe-inline'; "
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
        notes = {"expired": _("Your session ended after a while without use: sign in again."),
                 "revoked": _("The key you signed in with no longer works: ask your "
                              "administrator for a new one.")}
        return render_template("signin.html", next=_local(request.args.get("next")),
                               note=notes.get(request.args.get("ended", "")))

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

    def chosen_team() -> tuple[Scope, Snapshot, str | None, Period]:
        """The signed-in scope, the snapshot, the team asked (``?root=``, else the key's
        own; the largest organization for a key that sees everything) and the period."""
        s = store()
        scope = auth.scope(s)
        snap = snapshots.current(s, s.config.data_dir)
        root = (request.args.get("root") or "").strip() or scope.root
        if root is None:
            largest = network.summary(s, top=1).largest
            root = largest[0].root if largest else None
        if root is not None:
            scope.check(root)
        p = period(request.args.get("period") or "last_30",
                   snap.latest if snap.latest is not None else now_ms(), timezone,
                   request.args.get("from"), request.args.get("to"))
        return scope, snap, root, p

    @bp.get("/team")
    def team() -> Any:
        scope, snap, root, p = chosen_team()
        if root is None:
            return render_template("empty.html")
        health = downline.health(store(), root, p.window, top=10)
        return render_template(
            "team.html", health=health, period=p, periods=PERIOD_LABELS, root=root,
            own=root == scope.root, latest=snap.latest, version=snap.version,
            chart=level_chart(health))

    @bp.get("/members")
    def members() -> Any:
        scope, snap, root, p = chosen_team()
        if root is None:
            return render_template("empty.html")
        which = _member_filter(limit=PAGE)
        listed = member_list(snap, root, p.window, which)
        return render_template(
            "members.html", listed=listed, which=which, period=p, periods=PERIOD_LABELS,
            root=root, own=root == scope.root, states=STATE_LABELS, sorts=SORT_LABELS,
            page=which.offset // PAGE + 1, pages=max(1, -(-listed.matched // PAGE)))

    @bp.get("/members.<kind>")
    def members_file(kind: str) -> Any:
        if kind not in ("xlsx", "csv"):
            raise NotFound(f"no export as {kind!r}; exports are .xlsx and .csv")
        _scope, snap, root, p = chosen_team()
        if root is None:
            return render_template("empty.html")
        listed = member_list(snap, root, p.window, _member_filter(limit=None))
        headers = [str(h) for h in EXPORT_COLUMNS.values()]
        rows = export_rows(listed.rows)
        name = f"members-{file_safe(root)}-{p.first}-{p.last}.{kind}"
        body = to_xlsx(str(_("Member list")), headers, rows) if kind == "xlsx" \
            else to_csv(headers, rows)
        return Response(body, mimetype=XLSX_MIME if kind == "xlsx" else "text/csv",
                        headers={"Content-Disposition": attachment(name)})

    @bp.get("/tree")
    def tree() -> Any:
        scope, snap, root, p = chosen_team()
        if root is None:
            return render_template("empty.html")
        focus = (request.args.get("focus") or "").strip() or None
        if focus is not None and snap.position(focus) is None:
            focus = _account_owner(store(), scope, focus)
        path = [root]
        if focus is not None and focus != root:
            scope.check(focus)
            chain = [m.id for m in downline.upline_from(snap, focus, p.window.end).chain]
            if root not in chain:
                raise BadInput(_("%(member)s is not in the team of %(root)s.",
                                 member=focus, root=root))
            path = chain[chain.index(root):]
        levels = []  # the root's level, then each one down to the member looked for
        for k, member in enumerate(path):
            level = _tree_json(children_from(snap, member, p.window))
            if k + 1 < len(path) and path[k + 1] not in {c["id"] for c in level["children"]}:
                level["children"].append(  # opened on the way down though not in the top
                    _tree_json(children_from(snap, path[k + 1], p.window, limit=1))["node"])
            levels.append(level)
        return render_template("tree.html", root=root, own=root == scope.root, period=p,
                               periods=PERIOD_LABELS, levels=levels, focus=focus,
                               labels=_tree_labels())

    @bp.get("/tree/children")
    def tree_children() -> Any:
        scope, snap, _root, p = chosen_team()
        member = (request.args.get("member") or "").strip()
        scope.check(member)
        return _tree_json(children_from(snap, member, p.window))

    @bp.get("/conversion")
    def conversion_page() -> Any:
        scope, snap, root, p = chosen_team()
        if root is None:
            return render_template("empty.html")
        group = request.args.get("split") or "trust"
        report = _kept(conversion.funnel_from, snap, p.window, group_by=group, root_id=root,
                       top=20)
        return render_template(
            "conversion.html", r=report, period=p, periods=PERIOD_LABELS, root=root,
            own=root == scope.root, splits=SPLIT_LABELS, group=group,
            label=lambda key: slice_label(group, key),
            chart=funnel_chart(report, lambda key: slice_label(group, key)))

    @bp.get("/influence")
    def influence_page() -> Any:
        scope, snap, root, p = chosen_team()
        if root is None:
            return render_template("empty.html")
        ranking = _kept(influence.rank_from, snap, p.window, top=20, root_id=root)
        k = _whole("seeds", request.args["seeds"], low=1, high=MAX_SEEDS) \
            if request.args.get("seeds") else 0
        chosen = _kept(influence.seeds_from, snap, p.window, k=k, root_id=root) if k else None
        return render_template(
            "influence.html", ranking=ranking, seeds=chosen, period=p, periods=PERIOD_LABELS,
            root=root, own=root == scope.root, chart=influence_chart(ranking))

    @bp.get("/member/<member_id>")
    def member(member_id: str) -> Any:
        scope, snap, _root, p = chosen_team()
        scope.check(member_id)
        s = store()
        found = s.run("schema/members_by_id", {"ids": [member_id]}).records()
        if not found:  # in scope but gone since the snapshot: say so, leak nothing
            raise NotFound(f"no member {member_id!r}")
        chain = [m.id for m in downline.upline_from(snap, member_id, p.window.end).chain]
        if scope.root is not None and scope.root in chain:  # nothing above the key's root
            chain = chain[chain.index(scope.root):]
        trust = s.run("schema/trust", {"id": member_id}).single()
        sales = s.run("web/sales", {"id": member_id, "limit": CARD_ROWS}).records()
        for row in sales:  # a buyer outside the scope stays unnamed
            if not scope.allows(row["buyer_id"]):
                row["buyer_id"] = None
        return render_template(
            "member.html", m=found[0], chain=chain, period=p, periods=PERIOD_LABELS,
            level=children_from(snap, member_id, p.window),
            money=member_money(snap, member_id, p.window.end),
            bought=s.run("schema/purchases", {"id": member_id, "after_at": None,
                                              "after_id": None, "limit": CARD_ROWS}).records(),
            sales=sales,
            trusts=[t for t in trust["trusts"] if scope.allows(t["other"])],
            trusted_by=[t for t in trust["trusted_by"] if scope.allows(t["other"])])

    @bp.get("/loads")
    def loads() -> Any:
        s = store()
        scope = auth.scope(s)
        scope.require("admin", "compliance")
        runs = [load_run_row(r) for r in s.run("schema/load_runs", {"limit": LOAD_RUNS}).records()]
        return render_template("loads.html", runs=runs, admin=scope.key.role == "admin",
                               profiles=["auto", *sorted(load_profiles())])

    @bp.post("/loads")
    def start_load() -> Any:
        s = store()
        scope = auth.scope(s)
        scope.require("admin")
        started = imports.start_load(
            s, s.config, import_dir, files=request.files.getlist("files"),
            profile=request.form.get("profile") or "auto",
            max_bad=(request.form.get("max_bad") or "").strip() or None)
        return redirect(url_for("web.load_run", run_id=started.load_id))

    @bp.get("/loads/<run_id>")
    def load_run(run_id: str) -> Any:
        s = store()
        auth.scope(s).require("admin", "compliance")
        run = one_load_run(s, run_id)
        refused = quarantine.read(run["quarantine"])
        return render_template("load.html", run=run, refused=refused[:REFUSED_SHOWN]
                               if refused else [], refused_count=len(refused or []))

    @bp.get("/loads/<run_id>/refused.<kind>")
    def refused_file(run_id: str, kind: str) -> Any:
        if kind not in ("xlsx", "csv"):
            raise NotFound(f"no export as {kind!r}; exports are .xlsx and .csv")
        s = store()
        auth.scope(s).require("admin", "compliance")
        refused = quarantine.read(one_load_run(s, run_id)["quarantine"])
        if refused is None:
            raise NotFound(f"load {run_id} kept no refused rows (none, or its file is gone)")
        name = f"refused-{file_safe(run_id)}.{kind}"
        if kind == "xlsx":
            body = to_xlsx_book(refused_sheets(refused))
        else:
            headers, rows = refused_table(refused)
            body = to_csv(headers, rows)
        return Response(body, mimetype=XLSX_MIME if kind == "xlsx" else "text/csv",
                        headers={"Content-Disposition": attachment(name)})

    casefiles.routes(bp, store, timezone)

    @bp.get("/graphiql")
    def graphiql() -> Any:
        auth.scope(store())  # signed in: GraphiQL asks with this session, no token to paste
        return render_template("graphiql.html")

    @bp.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> Any:
        return _refused(BadInput(_("This form expired or did not come from refnet: "
                                   "open the page again and resend it.")), 400)

    @bp.errorhandler(RefnetError)
    def refused(error: RefnetError) -> Any:
        if request.path == "/tree/children":  # asked by the page's script: JSON
            code = api_code(error)
            return {"error": {"code": code, "message": str(error)}}, http_status(code)
        if isinstance(error, Unauthenticated) and "Authorization" not in request.headers:
            return redirect(url_for("web.signin_form", next=request.full_path.rstrip("?"),
                                    ended=g.get("ended")))
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

    bp.add_app_template_filter(status, "status")
    bp.add_app_template_filter(lambda v: str(RUN_LABELS.get(v, v or "—")), "load_status")
    bp.add_app_template_filter(
        lambda v: "、".join(str(ENTITY_LABELS.get(e, e)) for e in (v or "").split(",")), "entity")

    @bp.app_template_filter("urlencode_only")
    def urlencode_only(args: Any, *names: str) -> str:
        """Only ``names`` of this page's query string (the team and the period)."""
        return urlencode({k: args[k] for k in names if args.get(k)})

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
    return render_template("error.html", code=code, meaning=CODE_LABELS.get(code),
                           message=str(error)), status or http_status(code)


def _member_filter(limit: int | None) -> MemberFilter:
    """The member list's filter from the query string; ``limit`` None for an export."""
    args = request.args
    page = _whole("page", args.get("page") or "1", low=1)
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    joined_from = joined_to = None
    if args.get("joined_from"):
        joined_from = midnight(parse_day("joined_from", args["joined_from"]), zone)
    if args.get("joined_to"):  # the whole last day
        last = parse_day("joined_to", args["joined_to"])
        joined_to = midnight(last + timedelta(days=1), zone) - 1
    return MemberFilter(
        state=args.get("state") or "all",
        level_min=_whole("level_min", args["level_min"], low=1) if args.get("level_min") else None,
        level_max=_whole("level_max", args["level_max"], low=1) if args.get("level_max") else None,
        branch=(args.get("branch") or "").strip() or None,
        joined_from=joined_from, joined_to=joined_to,
        sort=args.get("sort") or "gmv", descending=args.get("order", "desc") != "asc",
        offset=0 if limit is None else (page - 1) * limit, limit=limit)


def _whole(name: str, text: str, low: int, high: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise BadInput(f"{name} must be a whole number, got {text!r}") from None
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"between {low} and {high}"
        raise BadInput(f"{name} must be {bounds}, got {value}")
    return value


@lru_cache(maxsize=KEPT_ANSWERS)
def _kept(question: Callable[..., Any], snap: Snapshot, window: Window, **params: Any) -> Any:
    """A question's answer for one snapshot, window and team, kept by this process: a
    team clicking through its pages asks the same ones again, and a snapshot never
    changes once made (a new data version is a new snapshot, so a new key). PageRank on
    every request cost the influence page its p99."""
    return question(snap, window, **params)


def _account_owner(store: GraphStore, scope: Scope, text: str) -> str:
    """The member that owns the platform account ``text``, among those ``scope`` may see.
    None there reads as a member outside the scope (the same 403, so a key cannot probe
    which accounts exist elsewhere); two or more are listed for the user to pick."""
    owners = [r["member"] for r in store.run("web/account_members",
                                             {"id": text, "limit": 20}).records()
              if scope.allows(r["member"])]
    if not owners:
        scope.check(text)  # an organizer's key: the same 403 as a member not its own
        raise NotFound(f"no member or account {text!r}; check the id (ids are "
                       f"case-sensitive)")
    if len(owners) > 1:
        raise BadInput(_("Account %(account)s belongs to several members: %(members)s. "
                         "Search for one of them.", account=text, members=", ".join(owners)))
    return owners[0]


def _tree_json(level: TreeLevel) -> dict[str, Any]:
    """A tree level as the page's script reads it (money in fen)."""
    return {"node": asdict(level.node), "children": [asdict(c) for c in level.children],
            "more": level.more}


def _tree_labels() -> dict[str, str]:
    return {"team_size": _("Team size"), "recruits": _("Direct recruits"), "gmv": _("Own sales"),
            "team_gmv": _("Team sales"), "active": _("Active"), "inactive": _("Inactive"),
            "more": _("%(n)s more", n="{n}"), "failed": _("Could not open this member."),
            "open_card": _("Open the member card"),
            "open_team": _("Open this member's team"),
            "open_members": _("List this member's team")}


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

