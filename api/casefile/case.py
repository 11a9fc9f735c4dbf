"""What a case file document is made of: the case file's analysis
(``queries.compliance.casefile``), what it rests on, and the one JSON text its digest is
taken of."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from refnet.queries.compliance.casefile import CaseFile

__all__ = ["Document", "Load", "canonical", "sha256"]


@dataclass(frozen=True)
class Load:
    """A load run the data rests on: what it read and where every row went."""

    id: str
    source: str | None
    profile: str | None
    status: str | None
    started_at: int | None
    finished_at: int | None
    counts: dict[str, Any]

    @property
    def files(self) -> list[str]:
        """The names of the files the load read (its source: a JSON list of paths)."""
        try:
            paths = json.loads(self.source or "[]")
        except ValueError:
            paths = [self.source]
        if not isinstance(paths, list):
            paths = [paths]
        return [str(p).replace("\\", "/").rsplit("/", 1)[-1] for p in paths]


@dataclass(frozen=True)
class Document:
    """Everything the case file shows, and the digests that tie it to its data."""

    id: str
    made_at: int  # epoch ms
    made_by: str  # an API key's id, or "cli"
    zone: str  # the organization's time zone: every instant is printed in it
    lang: str
    case: CaseFile  # the analysis: the report, the opinion, the evidence, the what-if
    loads: list[Load]
    policy_sha256: str  # the policy's version: the digest of its every threshold
    data_sha256: str  # the data version and the loads behind it
    content_sha256: str  # the analysis, as the JSON the file carries (``content``)

    @property
    def content(self) -> str:
        return canonical(self.case)


def canonical(value: Any) -> str:
    """``value`` (a dataclass tree) as the one JSON text its digest is taken of."""
    data = dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
