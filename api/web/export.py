"""Tables out of the web app: XLSX and CSV files a team leader opens in Excel or WPS.

* CSV is UTF-8 with a byte-order mark, which Chinese Excel needs to read UTF-8 (without
  it the names come out garbled).
* A cell that a spreadsheet would run as a formula (text starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return: member ids and names come from platform
  exports, not from refnet) is written as text: a string cell in XLSX, a leading
  apostrophe in CSV (OWASP's advice for CSV injection).
* XLSX is written in openpyxl's write-only mode, row by row, so a 45,000-row list
  does not build a worksheet in memory first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

__all__ = ["XLSX_MIME", "to_csv", "to_xlsx", "to_xlsx_book"]

XLSX_MIME: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet."""
    return to_xlsx_book([(title, headers, rows)])


def to_xlsx_book(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A sheet per ``(title, headers, rows)``; titles are cut to Excel's 31 characters
    and kept distinct."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for title, headers, rows in sheets:
        name, k = title[:31] or "Sheet", 1
        while name in used:  # Excel refuses two sheets of one name
            k += 1
            name = f"{title[:31 - len(str(k)) - 1]}~{k}"
        used.add(name)
        sheet = book.create_sheet(name)
        head = []
        for h in headers:
            cell = WriteOnlyCell(sheet, value=h)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
                         for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text, never a formula
        return cell
    return value
