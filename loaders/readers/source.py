"""What every reader shares: the ``Source`` it detects, and how a header row is found,
named and matched to a data row's cells (Excel title rows, blank or repeated names,
short and long rows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

__all__ = ["HEADER_SCAN_ROWS", "MAX_CELL_CHARS", "TOO_LARGE", "Source", "make_header",
           "no_header", "oversized", "pick_header", "row_values"]

HEADER_SCAN_ROWS: Final = 10  # the header is looked for among this many non-blank rows
# No id, name, status or amount needs more; a 100 MB value would be stored whole, and sent
# to the store in every batch, if nothing stopped it. Refused as TOO_LARGE.
MAX_CELL_CHARS: Final = 4096
TOO_LARGE: Final = "too_large"  # the reason code (records.REASONS)
_PREVIEW_CHARS: Final = 200  # what quarantine keeps of an oversized value


@dataclass(frozen=True)
class Source:
    """One export file as ``open_source`` found it; ``records`` reads it again from this.

    ``header_line`` is the 1-based line (CSV, JSONL) or row (XLSX) of the header; rows
    above it (an Excel title row) are not data. For JSONL it is the line of the first
    object and every line is still data. ``delimiter`` is the CSV delimiter used (None for
    the other formats); it is kept so ``records`` parses exactly as detection did.
    """

    path: Path
    format: str  # "csv" | "xlsx" | "jsonl"
    encoding: str | None  # e.g. "utf-8", "utf-8-sig", "gb18030"; None for xlsx
    header: list[str]  # column names as the file spells them (stripped, made unique)
    sheet: str | None  # the xlsx sheet used
    header_line: int
    delimiter: str | None = None


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def pick_header(rows: Sequence[Sequence[Any]]) -> int | None:
    """Index of the header among the first rows: a title row above it is not one.

    Excel exports often put a report title in one merged cell above the real header.
    The header is the first row with at least 2 non-empty cells and at least half as
    many as the fullest of these rows; ``None`` if no row qualifies.
    """
    counts = [sum(not _is_empty(v) for v in row) for row in rows]
    if not counts:
        return None
    most = max(counts)
    for i, count in enumerate(counts):
        if count >= 2 and 2 * count >= most:
            return i
    return None


def _header_name(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.strip().lstrip("\ufeff").strip()  # a BOM never leaks into a name


def make_header(cells: Sequence[Any]) -> list[str]:
    """Column names from the header row: stripped, trailing blanks dropped, unique.

    Trailing empty cells are spreadsheet padding, not columns. An empty cell inside the
    header becomes ``_col{n}``; a repeated name gets ``_2``, ``_3``, ... (skipping any
    name the file already uses), so no column's values overwrite another's.
    """
    names = [_header_name(v) for v in cells]
    while names and not names[-1]:
        names.pop()
    names = [name or f"_col{i}" for i, name in enumerate(names, start=1)]
    taken = set(names)
    seen: set[str] = set()
    unique = []
    for name in names:
        if name in seen:
            k = 2
            while f"{name}_{k}" in taken:
                k += 1
            name = f"{name}_{k}"
            taken.add(name)
        seen.add(name)
        unique.append(name)
    return unique


def row_values(header: Sequence[str], cells: Sequence[Any], empty: Any) -> dict[str, Any]:
    """Cells under their header names; short rows padded with ``empty``, extras under
    ``_extra``.

    Trailing empty extra cells are padding (Excel writes them) and are dropped, so
    ``_extra`` appears only when a row really has more data than the header.
    """
    width = len(header)
    if len(cells) < width:
        cells = [*cells, *([empty] * (width - len(cells)))]
    values = dict(zip(header, cells, strict=False))
    if len(cells) > width:
        extra = list(cells[width:])
        while extra and _is_empty(extra[-1]):
            extra.pop()
        if extra:
            values["_extra"] = extra
    return values


def no_header(path: Path) -> str:
    return (f"{path} has no header row (none of its first {HEADER_SCAN_ROWS} non-blank "
            "rows has 2 or more non-empty cells)")


def oversized(values: dict[str, Any]) -> dict[str, Any] | None:
    """An error record's values if a cell holds more than ``MAX_CELL_CHARS`` characters
    (``_extra`` cells too), else None; the value itself is cut to a preview."""
    for key, value in values.items():
        cells = value if key == "_extra" and isinstance(value, list) else (value,)
        for cell in cells:
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                return {"_error": f"column {key!r} holds {len(cell):,} characters, more than "
                                  f"the {MAX_CELL_CHARS:,} a cell may",
                        "_raw": cell[:_PREVIEW_CHARS] + "...", "_code": TOO_LARGE}
    return None
