"""The compliance case file: the compliance answer for one organization (or the whole
network) as a document an auditor or a regulator can take as it is.

``make`` asks the compliance question with its evidence complete, gathers what the
answer rests on (the policy and its version, the data version and the loads behind it,
the instant it is as of), renders one template (``templates/casefile.html``, print
CSS inside) to HTML, or through it to PDF (``pdf``), seals the file (``seal``) and
keeps it with its record under the data dir (``kept``). The same answer travels
inside the file as JSON (a ``<script>`` in HTML, an attached ``casefile.json`` in
PDF), and the cover states its SHA-256, so the numbers can be read by a program and
checked against the pages. ``verify`` checks a file's seal and, when refnet kept it,
that the kept record's seal is the same.

Every front end makes case files through ``make``: ``refnet report compliance``, the
web app's 合规案卷 page and GraphQL's ``makeCaseFile``. Who may ask for which
organization is the caller's scope (``api.scope``), decided before ``make``.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from refnet.graph import times
from refnet.graph.errors import BadInput
from refnet.graph.store import GraphStore
from refnet.queries import compliance
from refnet.queries.compliance import ComplianceParams
from refnet.queries.compliance.params import MAX_EVIDENCE

from . import kept, pdf, seal
from .case import CaseFile, Load, canonical, sha256
from .document import html

__all__ = ["FORMATS", "CaseFile", "Load", "Verdict", "assemble", "make", "verify"]

FORMATS: Final = ("html", "pdf")


def assemble(store: GraphStore, params: ComplianceParams, *, made_by: str, zone: str,
             lang: str, now: int | None = None) -> CaseFile:
    """Ask the compliance question for the case file and gather what it rests on.

    The evidence is complete (up to the API's bound per flag), whatever ``params``
    asked: a case file does not cut chains or lists short."""
    if lang not in ("zh", "en"):
        raise BadInput(f"unknown language {lang!r}; zh or en")
    params = dataclasses.replace(params, evidence=MAX_EVIDENCE)
    report = compliance.ask(store, params)
    loads = [Load(r["id"], r["source"], r["profile"], r["status"], r["started_at"],
                  r["finished_at"], _counts(r["counts"]))
             for r in store.run("casefile/loads").records()]
    made_at = times.now_ms() if now is None else now
    stamp = datetime.fromtimestamp(made_at / 1000, UTC).strftime("%Y%m%d")
    return CaseFile(
        id=f"CF-{stamp}-{secrets.token_hex(4)}", made_at=made_at, made_by=made_by,
        zone=zone, lang=lang, report=report, loads=loads,
        policy_sha256=sha256(canonical(report.policy)),
        data_sha256=sha256(canonical({"data_version": report.data_version,
                                      "loads": [dataclasses.asdict(x) for x in loads]})),
        content_sha256=sha256(canonical(report)))


def make(store: GraphStore, params: ComplianceParams, *, fmt: str, data_dir: Path,
         made_by: str, zone: str, lang: str) -> tuple[kept.Record, Path]:
    """Make, seal and keep one case file; its record and where it is kept."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}; choose html or pdf")
    case = assemble(store, params, made_by=made_by, zone=zone, lang=lang)
    page = html(case)
    body = pdf.render(page, {"casefile.json": case.content}) if fmt == "pdf" else page.encode()
    data, sealed = seal.seal(body, fmt)
    r = case.report
    record = kept.Record(
        id=case.id, made_at=case.made_at, made_by=made_by, root=r.root,
        policy=r.policy.name, as_of=r.as_of, data_version=r.data_version or "",
        format=fmt, lang=lang, sha256=sealed.sha256, length=sealed.length, size=len(data))
    return record, kept.keep(data_dir, record, data)


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: the seal, and the kept record when refnet has one."""

    sealed: seal.Sealed
    record: kept.Record | None  # None: no record of it in this data dir


def verify(data: bytes, data_dir: Path | None) -> Verdict:
    """Check ``data``'s seal and, where this data dir kept a record of a case file
    with that seal, that the record says the same; ``seal.Broken`` when not."""
    sealed = seal.check(data)
    if data_dir is None:
        return Verdict(sealed, None)
    for record in kept.listing(data_dir):
        if record.sha256 == sealed.sha256:
            if (record.length, record.size) != (sealed.length, len(data)):
                raise seal.Broken(f"the seal matches case file {record.id}, but its length "
                                  f"does not")
            return Verdict(sealed, record)
    return Verdict(sealed, None)


def _counts(value: Any) -> dict[str, Any]:
    """A load run's per-entity counts (stored as a JSON string)."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return value if isinstance(value, dict) else {}
