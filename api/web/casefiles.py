"""The 合规案卷 pages: the kept compliance case files the session may open, a form that
makes one, and each file itself.

What a key may make and open is ``api.casefile.access`` (GraphQL asks the same): admin
and compliance keys any organization, an organizer's key its own downline; another
team's case file is the same 403 as another team's page. The form's inputs are
``CaseFileParams``' fields (``web.params``); the file is made in the session's language
and the organization's zone, and the page lists it on return.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from flask import Blueprint, Response, redirect, render_template, request, send_file, url_for

from refnet.graph.store import GraphStore
from refnet.queries import network
from refnet.queries.compliance import CaseFileParams

from ..casefile import access, pdf
from . import auth
from .i18n import language
from .labels import BEYOND_LABELS, FORMAT_LABELS, POLICY_LABELS
from .params import from_form

__all__ = ["routes"]

OFFERED: Final = 10  # organizations the form suggests to a key that sees everything
# a kept case file fetches nothing and runs nothing, whatever text it holds
FILE_POLICY: Final = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                      "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def routes(bp: Blueprint, store: Callable[[], GraphStore], timezone: str) -> None:
    """Add the case file pages to the web app's blueprint."""

    @bp.get("/casefiles")
    def casefiles() -> Any:
        s = store()
        scope = auth.scope(s)
        if scope.root is None:
            offered = [(t.root, t.members) for t in network.summary(s, top=OFFERED).largest]
        else:
            offered = [(scope.root, None)]
        asked = (request.args.get("root") or "").strip()
        return render_template(
            "casefiles.html", records=access.visible(scope), offered=offered,
            root=asked or (offered[0][0] if offered else ""), made=request.args.get("made"),
            policies=POLICY_LABELS, formats=FORMAT_LABELS, beyond=BEYOND_LABELS,
            pdf_ready=pdf.cjk_font() is not None)

    @bp.post("/casefiles")
    def make_casefile() -> Any:
        s = store()
        scope = auth.scope(s)
        params = from_form(CaseFileParams, request.form, timezone)
        record, _ = access.make(scope, params, fmt=request.form.get("format") or "html",
                                lang=language())
        return redirect(url_for("web.casefiles", made=record.id))

    @bp.get("/casefiles/<case_id>")
    def casefile_file(case_id: str) -> Response:
        record, path = access.find(auth.reader_scope(store()), case_id)
        as_pdf = record.format == "pdf"
        response = send_file(path, mimetype="application/pdf" if as_pdf else "text/html",
                             as_attachment=as_pdf, download_name=record.filename,
                             conditional=False)
        response.headers["Content-Security-Policy"] = FILE_POLICY
        response.headers["Cache-Control"] = "private, no-store"
        return response
