"""What a case file is made of: the compliance answer and what it rests on, and the
one JSON text its digest is taken of."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from refnet.queries.compliance import ComplianceReport

__all__ = ["CaseFile", "Load", "canonical", "sha256"]


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


@dataclass(frozen=True)
class CaseFile:
    """Everything the document shows, and the digests that tie it to its data."""

    id: str
    made_at: int  # epoch ms
    made_by: str  # an API key's id, or "cli"
    zone: str  # the organization's time zone: every instant is printed in it
    lang: str
    report: ComplianceReport
    loads: list[Load]
    policy_sha256: str  # the policy's version: the digest of its every threshold
    data_sha256: str  # the data version and the loads behind it
    content_sha256: str  # the answer, as the JSON the file carries (``content``)

    @property
    def content(self) -> str:
        return canonical(self.report)


def canonical(value: Any) -> str:
    """``value`` (a dataclass tree) as the one JSON text its digest is taken of."""
    data = dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
