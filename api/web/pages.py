"""The web app's pages: sign-in, sign-out and the team dashboard.

Each page asks the signed-in key's scope (``auth.scope``) before it reads anything;
a member outside it and a member that does not exist are the same 403, as in GraphQL.
A refused request gets a page with the error's code and message, never a stack trace;
an unexpected error gets a 500 page with an incident id, and the log has the rest.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
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

from refnet.graph.errors import BadInput, NotFound, RefnetError, Unauthenticated
from refnet.graph.model import MEMBER_STATUSES, PURCHASE_STATUSES
from refnet.graph.store import GraphStore
from refnet.graph.times import now_ms
from refnet.loaders import quarantine
from refnet.loaders.profiles import load_profiles
from refnet.queries import conversion, downline, influence, network
from refnet.queries import snapshot as snapshots
from refnet.queries.downline.members import (
    SORTS,
    STATES,
    MemberFilter,
    MemberRow,
    member_list,
    member_money,
)
from refnet.queries.downline.tree import TreeLevel, children_from
from refnet.queries.snapshot import Snapshot
from refnet.queries.window import Window

from .. import imports
from ..errors import api_code, http_status
from ..scope import Scope
from . import auth
from .export import XLSX_MIME, to_csv, to_xlsx, to_xlsx_book
from .i18n import LANGUAGES, instant
from .periods import PRESETS, Period, midnight, parse_day, period

__all__ = ["blueprint"]

log = logging.getLogger("refnet.web")

# the period picker's labels, in the order shown
PERIOD_LABELS = {"today": _l("Today"), "week": _l("This week"), "month": _l("This month"),
                 "last_month": _l("Last month"), "last_30": _l("Last 30 days"),
                 "custom": _l("Custom")}
assert tuple(PERIOD_LABELS) == PRESETS
STATE_LABELS = {"all": _l("Everyone"), "active": _l("Active"), "inactive": _l("Inactive"),
                "never_bought": _l("Never bought"), "new": _l("New members"),
                "churned": _l("Churned")}
assert tuple(STATE_LABELS) == STATES
SORT_LABELS = {"gmv": _l("GMV"), "orders": _l("Orders"), "bought_gmv": _l("Bought"),
               "recruits": _l("Direct recruits"), "joined_at": _l("Joined"),
               "level": _l("Level"), "id": _l("Member"), "last_bought": _l("Last purchase")}
assert tuple(SORT_LABELS) == SORTS
# the export's columns, in order (the rows: ``_export_rows``); money in yuan
EXPORT_COLUMNS = {"id": _l("Member"), "level": _l("Level"), "branch": _l("Branch"),
                  "referrer": _l("Referrer"), "joined_at": _l("Joined"), "state": _l("State"),
                  "status": _l("Status"), "tier": _l("Tier"), "recruits": _l("Direct recruits"),
                  "orders": _l("Orders"), "gmv": _l("GMV (¥)"), "commission": _l("Commission (¥)"),
                  "gmv_prev": _l("GMV before (¥)"), "bought_gmv": _l("Bought (¥)"),
                  "last_bought": _l("Last purchase")}
PAGE = 50  # members per page
SPLIT_LABELS = {"trust": _l("By trust"), "level": _l("By level"), "channel": _l("By channel"),
                "promoter": _l("By promoter")}
assert set(SPLIT_LABELS) == set(conversion.GROUPS)
BUCKET_LABELS = {"none": _l("No trust"), "(0, 0.25]": _l("Weak trust (0–0.25]"),
                 "(0.25, 0.5]": _l("Some trust (0.25–0.5]"),
                 "(0.5, 0.75]": _l("Strong trust (0.5–0.75]"),
                 "(0.75, 1]": _l("Close trust (0.75–1]"), "self": _l("Bought themselves"),
                 "outside": _l("Buyers outside the network")}
assert set(BUCKET_LABELS) == set(conversion.TRUST_BUCKETS.values())
CARD_ROWS = 20  # purchases and sales a member card lists, newest first
LOAD_RUNS = 50  # load runs the loads page lists, newest first
REFUSED_SHOWN = 50  # refused rows a load's page shows; the downloads hold them all
# the model's member and purchase statuses (graph.model), and the loader's stub members
STATUS_LABELS = {"active": _l("active"), "inactive": _l("inactive"), "banned": _l("banned"),
                 "stub": _l("stub"), "paid": _l("paid"), "settled": _l("settled"),
                 "refunded": _l("refunded"), "invalid": _l("invalid")}
assert set(MEMBER_STATUSES) | set(PURCHASE_STATUSES) <= set(STATUS_LABELS)
RUN_LABELS = {"queued": _l("queued"), "running": _l("running"), "finished": _l("finished"),
              "failed": _l("failed"), "stopped": _l("stopped")}
ENTITY_LABELS = {"members": _l("members"), "accounts": _l("accounts"),
                 "referrals": _l("referrals"), "trust": _l("trust ties"),
                 "products": _l("products"), "shares": _l("shares"), "clicks": _l("clicks"),
                 "purchases": _l("orders")}
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
            chart=_level_chart(health))

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
        rows = _export_rows(listed.rows)
        name = f"members-{_file_safe(root)}-{p.first}-{p.last}.{kind}"
        body = to_xlsx(str(_("Member list")), headers, rows) if kind == "xlsx" \
            else to_csv(headers, rows)
        return Response(body, mimetype=XLSX_MIME if kind == "xlsx" else "text/csv",
                        headers={"Content-Disposition": _attachment(name)})

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
            label=lambda key: _slice_label(group, key),
            chart=_funnel_chart(report, lambda key: _slice_label(group, key)))

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
            root=root, own=root == scope.root, chart=_influence_chart(ranking))

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
        runs = [_run(r) for r in s.run("schema/load_runs", {"limit": LOAD_RUNS}).records()]
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
        run = _one_run(s, run_id)
        refused = quarantine.read(run["quarantine"])
        return render_template("load.html", run=run, refused=refused[:REFUSED_SHOWN]
                               if refused else [], refused_count=len(refused or []))

    @bp.get("/loads/<run_id>/refused.<kind>")
    def refused_file(run_id: str, kind: str) -> Any:
        if kind not in ("xlsx", "csv"):
            raise NotFound(f"no export as {kind!r}; exports are .xlsx and .csv")
        s = store()
        auth.scope(s).require("admin", "compliance")
        refused = quarantine.read(_one_run(s, run_id)["quarantine"])
        if refused is None:
            raise NotFound(f"load {run_id} kept no refused rows (none, or its file is gone)")
        name = f"refused-{_file_safe(run_id)}.{kind}"
        if kind == "xlsx":
            body = to_xlsx_book(_refused_sheets(refused))
        else:
            headers, rows = _refused_table(refused)
            body = to_csv(headers, rows)
        return Response(body, mimetype=XLSX_MIME if kind == "xlsx" else "text/csv",
                        headers={"Content-Disposition": _attachment(name)})

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

    bp.add_app_template_filter(_status, "status")
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


# what each refusal means, in the reader's language (the error's own words follow)
CODE_LABELS = {"FORBIDDEN": _l("This member is outside the team your key may see."),
               "NOT_FOUND": _l("Nothing by that name."),
               "BAD_USER_INPUT": _l("Something in the request is not right."),
               "UNAVAILABLE": _l("The database is not answering just now; try again shortly."),
               "LIMIT_EXCEEDED": _l("This asks for more than one page may.")}


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


def _export_rows(rows: list[MemberRow]) -> Iterator[list[Any]]:
    """The export's rows (``EXPORT_COLUMNS``). The labels are translated once: a
    translation per cell cost a 42,000-row export 2.4 of its 11 profiled seconds."""
    states = {k: str(v) for k, v in STATE_LABELS.items()}
    statuses = {k: str(v) for k, v in STATUS_LABELS.items()}
    for r in rows:
        yield [r.id, r.level, r.branch, r.referrer, instant(r.joined_at), _state(r, states),
               "—" if r.status is None else statuses.get(r.status, r.status), r.tier or "",
               r.recruits, r.orders, r.gmv / 100, r.commission / 100, r.gmv_prev / 100,
               r.bought_gmv / 100, instant(r.last_bought)]


def _run(row: dict[str, Any]) -> dict[str, Any]:
    """A load run's row with its counts read (stored as JSON) and summed."""
    counts = json.loads(row["counts"]) if row.get("counts") else {}
    total = {k: sum(int(c.get(k, 0) or 0) for c in counts.values() if isinstance(c, dict))
             for k in ("rows", "written", "duplicates", "quarantined")}
    try:  # the source is the files' paths as JSON: their names are what a reader knows
        files = [Path(f).name for f in json.loads(row.get("source") or "[]")]
    except (ValueError, TypeError):
        files = [row.get("source") or ""]
    return {**row, "counts": counts, "total": total, "files": files}


def _one_run(store: GraphStore, run_id: str) -> dict[str, Any]:
    rows = store.run("schema/load_run", {"id": run_id}).records()
    if not rows:
        raise NotFound(f"no load {run_id!r}")
    return _run(rows[0])


def _refused_columns(refused: list[quarantine.Refused]) -> list[str]:
    """The rows' own columns, in the order they first appear."""
    return list(dict.fromkeys(k for r in refused for k in r.values))


def _refused_table(refused: list[quarantine.Refused]) -> tuple[list[str], list[list[Any]]]:
    """Where and why, then the row's own columns (not one JSON cell)."""
    columns = _refused_columns(refused)
    head = [str(_("File")), str(_("Line")), str(_("Kind")), str(_("Reason code")),
            str(_("Reason"))]
    return head + columns, [[r.file, r.line, r.entity, r.code, r.reason,
                             *(_cell(r.values.get(c)) for c in columns)] for r in refused]


def _refused_sheets(refused: list[quarantine.Refused]) -> list[tuple[str, list[str], Any]]:
    """A sheet per input file, each with that file's own columns."""
    by_file: dict[str, list[quarantine.Refused]] = {}
    for r in refused:
        by_file.setdefault(r.file or "-", []).append(r)
    return [(name, *_refused_table(rows)) for name, rows in by_file.items()]


def _cell(value: Any) -> Any:
    return "" if value is None else value if isinstance(value, (int, float, str)) \
        else json.dumps(value, ensure_ascii=False)


def _status(value: str | None) -> str:
    """A member's or an order's status in the reader's language (as stored if unknown)."""
    return "—" if value is None else str(STATUS_LABELS.get(value, value))


def _state(r: MemberRow, labels: dict[str, str]) -> str:
    """The member's state in words (``labels``: ``STATE_LABELS`` translated), as the
    list's filter names them."""
    words = [labels["active"] if r.active else labels["inactive"]]
    if r.new:
        words.append(labels["new"])
    if r.churned:
        words.append(labels["churned"])
    if r.never_bought:
        words.append(labels["never_bought"])
    return "、".join(words)


def _file_safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:40]


def _attachment(name: str) -> str:
    """A Content-Disposition naming ``name`` (ASCII already: ``_file_safe``)."""
    return f'attachment; filename="{name}"'


@lru_cache(maxsize=KEPT_ANSWERS)
def _kept(question: Callable[..., Any], snap: Snapshot, window: Window, **params: Any) -> Any:
    """A question's answer for one snapshot, window and team, kept by this process: a
    team clicking through its pages asks the same ones again, and a snapshot never
    changes once made (a new data version is a new snapshot, so a new key). PageRank on
    every request cost the influence page its p99."""
    return question(snap, window, **params)


def _slice_label(group: str, key: str) -> str:
    """A conversion slice's name for the reader: trust buckets and "no channel" in words."""
    if group == "trust":
        return str(BUCKET_LABELS.get(key, key))
    if group == "level":
        return str(_("Level %(n)s", n=key))
    if group == "channel" and key == conversion.NO_CHANNEL:
        return str(_("No channel"))
    return key


def _funnel_chart(report: Any, label: Callable[[str], str]) -> dict[str, Any]:
    """Clicks per slice (bars) and their conversion in percent (a line)."""
    clicks, rate = str(_("Clicks")), str(_("Conversion (%)"))
    groups = report.groups
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [clicks, rate]},
        "grid": {"left": 56, "right": 64, "top": 56, "bottom": 56},
        "xAxis": {"type": "category", "data": [label(g.key) for g in groups],
                  "axisLabel": {"interval": 0, "rotate": 30 if len(groups) > 8 else 0}},
        "yAxis": [{"type": "value", "name": clicks}, {"type": "value", "name": rate}],
        "series": [
            {"name": clicks, "type": "bar", "data": [g.clicks for g in groups]},
            {"name": rate, "type": "line", "yAxisIndex": 1,
             "data": [None if g.conversion is None else round(g.conversion * 100, 2)
                      for g in groups]},
        ],
    }


def _influence_chart(ranking: Any) -> dict[str, Any]:
    """The listed members' PageRank against the GMV attributed to them."""
    return {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 64, "right": 32, "top": 32, "bottom": 48},
        "xAxis": {"type": "value", "name": "PageRank", "scale": True},
        "yAxis": {"type": "value", "name": str(_("GMV (¥)"))},
        "series": [{"type": "scatter", "symbolSize": 10,
                    "data": [{"name": r.member, "value": [r.pagerank, r.gmv / 100]}
                             for r in ranking.rows]}],
    }


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


def _level_chart(health: downline.DownlineHealth) -> dict[str, Any]:
    """The ECharts option of the per-level chart: members and active members (bars),
    GMV in yuan (a line on its own axis)."""
    levels = [lv for lv in health.levels if lv.level > 0]
    members, active, gmv = str(_("Members")), str(_("Active")), str(_("GMV (¥)"))
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [members, active, gmv]},
        "grid": {"left": 56, "right": 72, "top": 56, "bottom": 32},
        "xAxis": {"type": "category", "name": str(_("Level")),
                  "data": [lv.level for lv in levels]},
        "yAxis": [{"type": "value", "name": members}, {"type": "value", "name": gmv}],
        "series": [
            {"name": members, "type": "bar", "data": [lv.members for lv in levels]},
            {"name": active, "type": "bar", "data": [lv.active for lv in levels]},
            {"name": gmv, "type": "line", "yAxisIndex": 1,
             "data": [lv.gmv / 100 for lv in levels]},  # yuan, for the axis only
        ],
    }
