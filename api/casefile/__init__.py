"""The compliance case file: the compliance answer for one organization as a document
an auditor or a regulator can take as it is.

``make`` analyses the organization (``queries.compliance.casefile``: the compliance
report with every chain in full, the 2013 opinion's tiers and conditions, the orders
behind each flag, the relationship chart, a what-if), gathers what the analysis rests
on (the policy and its version, the data version and the loads behind it, the instant
it is as of), renders one template (``templates/casefile.html``, print CSS inside) to
HTML, or through it to PDF (``pdf``), seals the file (``seal``) and keeps it with its
record under the data dir (``kept``). The analysis travels inside the file as JSON (a
``<script>`` in HTML, an attached ``casefile.json`` in PDF), and the cover states its
SHA-256, so the numbers can be read by a program and checked against the pages.
``verify`` checks a file's seal and, when refnet kept it, that the kept record's seal
is the same.

Every front end makes case files through ``make``: ``refnet report compliance``, the
web app's 合规案卷 page and GraphQL's ``makeCaseFile``. Who may make and open which
organization's case file is the caller's scope (``api.scope``), decided in ``access``,
the one place both network front ends ask.
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
from refnet.queries.compliance import CaseFileParams, casefile

from . import kept, pdf, seal
from .case import Document, Load, canonical, sha256
from .document import html

__all__ = ["FORMATS", "Document", "Load", "Verdict", "assemble", "make", "verify"]

FORMATS: Final = ("html", "pdf")


def assemble(store: GraphStore, params: CaseFileParams, *, made_by: str, zone: str,
             lang: str, now: int | None = None, confined: bool = False) -> Document:
    """Analyse the organization and gather what the analysis rests on (``confined``:
    for a caller who sees one team only; see ``compliance.ask``)."""
    if lang not in ("zh", "en"):
        raise BadInput(f"unknown language {lang!r}; zh or en")
    case = casefile.ask(store, params, confined=confined)
    loads = [Load(r["id"], r["source"], r["profile"], r["status"], r["started_at"],
                  r["finished_at"], _counts(r["counts"]))
             for r in store.run("casefile/loads").records()]
    made_at = times.now_ms() if now is None else now
    stamp = datetime.fromtimestamp(made_at / 1000, UTC).strftime("%Y%m%d")
    report = case.report
    return Document(
        id=f"CF-{stamp}-{secrets.token_hex(4)}", made_at=made_at, made_by=made_by,
        zone=zone, lang=lang, case=case, loads=loads,
        policy_sha256=sha256(canonical(report.policy)),
        data_sha256=sha256(canonical({"data_version": report.data_version,
                                      "loads": [dataclasses.asdict(x) for x in loads]})),
        content_sha256=sha256(canonical(case)))


def make(store: GraphStore, params: CaseFileParams, *, fmt: str, data_dir: Path,
         made_by: str, zone: str, lang: str, confined: bool = False
         ) -> tuple[kept.Record, Path]:
    """Make, seal and keep one case file; its record and where it is kept."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}; choose html or pdf")
    doc = assemble(store, params, made_by=made_by, zone=zone, lang=lang, confined=confined)
    page = html(doc)
    body = pdf.render(page, {"casefile.json": doc.content}) if fmt == "pdf" else page.encode()
    data, sealed = seal.seal(body, fmt)
    r = doc.case.report
    record = kept.Record(
        id=doc.id, made_at=doc.made_at, made_by=made_by, root=doc.case.root,
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
