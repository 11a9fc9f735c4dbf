"""XLSX workbooks, read with openpyxl in read-only mode so a large sheet streams."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from refnet.loaders.records import Record, UnreadableInput

from .source import HEADER_SCAN_ROWS, Source, make_header, no_header, pick_header, row_values

__all__ = ["open_xlsx", "xlsx_records"]


def _load_workbook(handle: IO[bytes], path: Path) -> Any:
    """A read-only, values-only workbook over an open file.

    A file object, not the path, because openpyxl refuses paths whose extension is not
    .xlsx, and exports often carry the wrong one. ``data_only`` gives formulas' cached
    values; read-only mode parses sheet XML as a stream.
    """
    from openpyxl import load_workbook

    try:
        return load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, KeyError, XML errors: openpyxl has no common base
        raise UnreadableInput(f"{path} is a zip file but not a readable .xlsx: {exc}") from exc


def _worksheet(workbook: Any, sheet: str | None, path: Path) -> Any:
    if sheet is None:
        if not workbook.worksheets:
            raise UnreadableInput(f"{path} has no worksheet")
        ws = workbook.worksheets[0]
    elif sheet in workbook.sheetnames:
        ws = workbook[sheet]
    else:
        raise UnreadableInput(
            f"{path} has no sheet {sheet!r}; its sheets are {workbook.sheetnames}")
    if not hasattr(ws, "iter_rows"):
        raise UnreadableInput(f"{path}: sheet {ws.title!r} is a chart, not a table")
    # Some writers record a wrong sheet size; read-only mode would cut rows at it.
    ws.reset_dimensions()
    return ws


def _cell(value: Any) -> Any:
    """An XLSX value as the reader hands it on: strings stripped, blank as ``None``."""
    if isinstance(value, str):
        return value.strip() or None
    return value  # None, int, float, bool, datetime, date, time, timedelta


@contextmanager
def _sheet(path: Path, sheet: str | None) -> Iterator[Any]:
    """The chosen worksheet of an open workbook; file and workbook closed on exit."""
    with path.open("rb") as handle:
        workbook = _load_workbook(handle, path)
        try:
            yield _worksheet(workbook, sheet, path)
        finally:
            workbook.close()


def _xlsx_rows(ws: Any) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) for every row; read-only mode yields an empty tuple for each
    missing row, so counting rows gives their numbers."""
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        yield number, [_cell(v) for v in row]


def _is_blank_cells(cells: list[Any]) -> bool:
    return all(c is None for c in cells)


def open_xlsx(path: Path, sheet: str | None) -> Source:
    first: list[tuple[int, list[Any]]] = []
    with _sheet(path, sheet) as ws:
        title = ws.title
        for number, cells in _xlsx_rows(ws):
            if not _is_blank_cells(cells):
                first.append((number, cells))
                if len(first) == HEADER_SCAN_ROWS:
                    break
    index = pick_header([cells for _, cells in first])
    if index is None:
        raise UnreadableInput(no_header(path))
    number, cells = first[index]
    return Source(path, "xlsx", None, make_header(cells), title, number)


def xlsx_records(source: Source) -> Iterator[Record]:
    with _sheet(source.path, source.sheet) as ws:
        for number, cells in _xlsx_rows(ws):
            if number > source.header_line and not _is_blank_cells(cells):
                yield Record(number, row_values(source.header, cells, None))
