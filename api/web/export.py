"""Tables out of the web app: XLSX and CSV files a team leader opens in Excel or WPS.

* CSV is UTF-8 with a byte-order mark, which Chinese Excel needs to read UTF-8 (without
  it the names come out garbled).
* A cell that a spreadsheet would run as a formula (text starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return: member ids and names come from platform
  exports, not from refnet) is written as text: a string cell in XLSX, a leading
  apostrophe in CSV (OWASP's advice for CSV injection).
* XLSX is written by XlsxWriter row by row (``constant_memory``), so a 45,000-row list
  does not build a worksheet in memory first; it writes about 1.2× as fast as
  openpyxl's write-only mode through lxml (bench/README.md, web app).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, Final

import xlsxwriter

__all__ = ["XLSX_MIME", "to_csv", "to_xlsx", "to_xlsx_book"]

XLSX_MIME: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet."""
    return to_xlsx_book([(title, headers, rows)])


def to_xlsx_book(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A sheet per ``(title, headers, rows)``; titles are cut to Excel's 31 characters
    and kept distinct. Text is always written as text (XlsxWriter's guesses of formulas,
    links and numbers are off)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    used: set[str] = set()
    for title, headers, rows in sheets:
        name = _sheet_name(title, used)
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, list(headers), bold)
        for r, row in enumerate(rows, start=1):
            sheet.write_row(r, 0, row)
    book.close()
    return out.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    """``title`` as a sheet name Excel takes: 31 characters at most, none of ``[]:*?/\\``,
    distinct from the ones ``used``."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in title).strip("'") or "Sheet"
    name, k = clean[:31], 1
    while name.lower() in used:  # Excel compares sheet names without case
        k += 1
        name = f"{clean[:31 - len(str(k)) - 1]}~{k}"
    used.add(name.lower())
    return name


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
                         for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


