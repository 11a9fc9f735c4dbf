"""The compliance case file over GraphQL: ``makeCaseFile`` and ``caseFiles``.

``makeCaseFile`` takes its arguments from ``queries.compliance.CaseFileParams`` (the ones
``refnet report compliance`` takes), plus the file's ``format`` and ``lang``; what a key
may make and list is ``api.casefile.access``, the code the web app's 合规案卷 page asks
too. A case file is returned as its kept record with ``url``, the web app's download
path, which answers the same bearer key (or a signed-in session).
"""

from __future__ import annotations

from typing import Any

import graphene
from flask import url_for

from refnet.api.language import LANGUAGES
from refnet.graph.errors import BadInput
from refnet.queries.compliance import CaseFileParams

from .. import casefile
from ..answers import iso
from ..casefile import access, kept
from .context import Context
from .params import arguments, enum_type, params_from

__all__ = ["CaseFile", "CaseFileMutations", "CaseFileQueries"]

MAX_LISTED = 100

FORMAT_HELP = {"html": "HTML: a standalone page that prints from a browser.",
               "pdf": "PDF, laid out from the same page (the server needs a CJK font)."}
assert tuple(FORMAT_HELP) == casefile.FORMATS
Format = enum_type("CaseFileFormat", "The case file's format.", tuple(FORMAT_HELP.items()))
LANGUAGE_HELP = {"zh": "Simplified Chinese (zh-CN).", "en": "English."}
assert tuple(LANGUAGE_HELP) == tuple(LANGUAGES)
Language = enum_type("Language", "The language a document is written in.",
                     tuple(LANGUAGE_HELP.items()))


class CaseFile(graphene.ObjectType):
    """One compliance case file refnet made and keeps under its data dir."""

    id = graphene.ID(required=True, description="The case file's id (CF-YYYYMMDD-xxxxxxxx).")
    made_at = graphene.String(required=True, description="When it was made (ISO-8601).")
    made_by = graphene.String(required=True, description="The id of the API key that made "
                                                         "it, or cli.")
    root = graphene.ID(required=True, description="The organizer whose organization it is "
                                                  "about.")
    policy = graphene.String(required=True, description="The policy it judges by.")
    as_of = graphene.String(required=True, description="The instant its answer is as of "
                                                       "(ISO-8601).")
    data_version = graphene.String(required=True, description="The data version it was "
                                                              "computed from.")
    format = graphene.Field(graphene.NonNull(Format), description="HTML or PDF.")
    lang = graphene.Field(graphene.NonNull(Language), description="Its language.")
    sha256 = graphene.String(required=True, description="Its seal: the SHA-256 of its bytes "
                                                        "before its last line (refnet "
                                                        "report verify recomputes it).")
    size = graphene.Int(required=True, description="The file's size in bytes.")
    url = graphene.String(required=True, description="Where to download it on this server: "
                                                     "send the same Authorization header.")

    @staticmethod
    def from_record(r: kept.Record) -> CaseFile:
        return CaseFile(id=r.id, made_at=iso(r.made_at), made_by=r.made_by, root=r.root,
                        policy=r.policy, as_of=iso(r.as_of), data_version=r.data_version,
                        format=r.format, lang=r.lang, sha256=r.sha256, size=r.size,
                        url=url_for("web.casefile_file", case_id=r.id))


class CaseFileQueries(graphene.ObjectType):
    """The kept case files the key may open."""

    case_files = graphene.List(
        graphene.NonNull(CaseFile), required=True,
        last=graphene.Int(default_value=20, description="How many, newest first (1..100)."),
        description="The case files kept, newest first: every one for admin and compliance "
                    "keys, an organizer's those about organizations inside its downline.")

    @staticmethod
    def resolve_case_files(_root: Any, info: Any, last: int = 20) -> list[CaseFile]:
        ctx: Context = info.context
        if not 0 < last <= MAX_LISTED:
            raise BadInput(f"last must be within 1..{MAX_LISTED}")
        return [CaseFile.from_record(r) for r in access.visible(ctx.scope)[:last]]


class CaseFileMutations(graphene.ObjectType):
    """The mutation that makes a case file (any key, for an organization in its scope)."""

    make_case_file = graphene.Field(
        graphene.NonNull(CaseFile),
        args={**arguments(CaseFileParams),
              "fmt": graphene.Argument(Format, name="format", default_value="html",
                                       description="HTML or PDF."),
              "lang": graphene.Argument(Language, description="Its language; default: the "
                                                              "server's (REFNET_LANG).")},
        description="Make, seal and keep the compliance case file of rootId's organization "
                    "(admin and compliance keys: any; an organizer's: inside its downline). "
                    "A PDF takes seconds.")

    @staticmethod
    def resolve_make_case_file(_root: Any, info: Any, fmt: Any = "html", lang: Any = None,
                               **values: Any) -> CaseFile:
        ctx: Context = info.context
        params = params_from(CaseFileParams, info, values)
        assert isinstance(params, CaseFileParams)
        record, _ = access.make(ctx.scope, params, fmt=getattr(fmt, "value", fmt),
                                lang=getattr(lang, "value", lang) or ctx.store.config.language)
        return CaseFile.from_record(record)
