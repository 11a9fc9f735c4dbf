"""What flows through a load: raw records from a reader, typed rows from a profile.

A reader turns a file into ``Record``s (its line number and the raw values under
the file's own headers). A profile turns one record into canonical ``Row``s (one
per entity it feeds), or raises ``RowError`` with a reason code. The loader
validates rows, writes them, and sends every rejected record to quarantine with
its code, so a report always balances.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from refnet.graph.errors import RefnetError

__all__ = ["REASONS", "Record", "Row", "RowError", "UnreadableInput"]

# Reason codes a quarantined row may carry (stable: reports and tests use them).
REASONS: dict[str, str] = {
    "missing_required": "a required value is empty",
    "bad_value": "a value could not be parsed (number, time, money, weight, bool)",
    "out_of_range": "a value is outside its allowed range (money: past 10**12 fen a line)",
    "commission_above_amount": "a purchase's commission is above its amount",
    "unknown_status": "a status code the profile does not map",
    "bad_text": "text the store cannot keep (control characters)",
    "ambiguous_id": "an id with invisible or look-alike characters, refused rather than guessed",
    "too_large": "a value or record larger than refnet reads (4 KiB a cell, 1 MiB a line)",
    "bad_encoding": "bytes the file's encoding cannot decode, or a row in another encoding",
    "duplicate_conflict": "the same key arrived twice in one load with different values",
    "second_referrer": "the member already has a different referrer (the first one stays)",
    "referral_cycle": "the referral would close a cycle",
    "self_referral": "a member cannot refer themselves",
    "unknown_reference": "the row names a member, product or share that does not exist",
}


@dataclass(frozen=True)
class Record:
    """One data row of a source file, as the file spells it."""

    line: int  # 1-based line (CSV/JSONL) or row number (XLSX) in the source
    values: dict[str, Any]  # header -> raw value (str for CSV; str/number/datetime for XLSX)


@dataclass
class Row:
    """A canonical row for one entity (``members``, ``purchases``, ...), typed."""

    entity: str
    values: dict[str, Any]
    line: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. promoter account to resolve


class RowError(ValueError):
    """Why one record cannot be loaded; it goes to quarantine with this code."""

    def __init__(self, code: str, message: str) -> None:
        if code not in REASONS:
            raise AssertionError(f"unknown reason code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message


class UnreadableInput(RefnetError):
    """The file cannot be read at all (unknown format, undecodable, no header)."""

    code = "UNREADABLE_INPUT"
    api_code = "BAD_USER_INPUT"  # the caller's file, not a bug (startLoad's uploads)
