"""XLSX workbooks, read with openpyxl in read-only mode so a large sheet streams.

An .xlsx is a zip of XML, and XML this regular deflates 300-1000 times: a 3.6 MB file
held 1 GB of sheet XML (it ran for over 300 s), a 1.3 MB one 512 MB of shared strings,
which openpyxl keeps in memory whole (about 10 bytes of RAM per byte of XML). So before
any XML is parsed the zip's own directory is checked (``check_expansion``): each part's
uncompressed size against its compressed size (``MAX_RATIO``), the shared strings and
the whole workbook against absolute caps. The sizes come from the zip directory and
cannot lie: Python's zipfile stops a part at its declared size and fails its CRC.
Streaming then counts cells (``MAX_CELLS``), and finding the header reads at most
``PLAN_ROWS`` rows, with openpyxl's look at each sheet's size skipped (it read a sheet
without a ``<dimension>`` to the end: ``_lazy_reader``), so planning never walks a
whole sheet.

openpyxl, not python-calamine: calamine (Rust) read a 100k-row, 10-column export 15x
faster (1.2 s against 18.8 s) and reads legacy .xls too, but it parses a whole sheet
into memory before the first row (108 MB against 46 MB there, growing with the sheet)
and so could not plan from the first rows; measured in the commit that added this.
"""

from __future__ import annotations

import functools
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Final

from refnet.loaders.records import Record, UnreadableInput

from .source import (
    HEADER_SCAN_ROWS,
    Source,
    make_header,
    no_header,
    oversized,
    pick_header,
    row_values,
)

__all__ = ["MAX_CELLS", "MAX_RATIO", "MAX_SHARED_STRINGS_BYTES", "MAX_UNCOMPRESSED_BYTES",
           "PLAN_ROWS", "check_expansion", "open_xlsx", "xlsx_records"]

# A 1,048,576-row (Excel's most), 10-column export is ~575 MB of sheet XML, ratio ~10.
MAX_UNCOMPRESSED_BYTES: Final = 2 << 30  # the whole workbook, unpacked
MAX_RATIO: Final = 100  # uncompressed / compressed, for a part larger than _RATIO_FLOOR
_RATIO_FLOOR: Final = 1 << 20  # a small part may compress well; it cannot hurt
MAX_SHARED_STRINGS_BYTES: Final = 256 << 20  # openpyxl holds them all, ~10x in RAM
MAX_PARTS: Final = 10_000  # zip entries (a workbook has a few dozen)
MAX_CELLS: Final = 50_000_000  # cells streamed from one sheet
PLAN_ROWS: Final = 1_000  # rows (blank ones too) read at most to find the header


def check_expansion(path: Path) -> None:
    """Refuse a workbook whose parts unpack past the caps, before any XML is read."""
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableInput(f"{path} is a zip file but not a readable .xlsx: {exc}") from exc
    if len(parts) > MAX_PARTS:
        raise UnreadableInput(f"{path} holds {len(parts):,} zip entries, more than a "
                              f"workbook has (at most {MAX_PARTS:,} are read)")
    total = 0
    for part in parts:
        size, packed = part.file_size, max(part.compress_size, 1)
        total += size
        if size > _RATIO_FLOOR and size > MAX_RATIO * packed:
            raise UnreadableInput(
                f"{path}: {part.filename} expands {size // packed:,} times ({packed:,} bytes "
                f"to {size:,}); a workbook expands at most ~{MAX_RATIO} times, so this is "
                "refused as a zip bomb; export the data as CSV")
        if part.filename.lower().endswith("sharedstrings.xml") and size > MAX_SHARED_STRINGS_BYTES:
            raise UnreadableInput(
                f"{path}: its shared strings unpack to {size:,} bytes, more than the "
                f"{MAX_SHARED_STRINGS_BYTES >> 20} MiB that are read; export the data as CSV")
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableInput(
            f"{path} unpacks to {total:,} bytes, more than the {MAX_UNCOMPRESSED_BYTES >> 30} "
            "GiB read from one workbook; split it or export the data as CSV")


def _load_workbook(handle: IO[bytes], path: Path) -> Any:
    """A read-only, values-only workbook over an open file.

    A file object, not the path, because openpyxl refuses paths whose extension is not
    .xlsx, and exports often carry the wrong one. ``data_only`` gives formulas' cached
    values; read-only mode parses sheet XML as a stream. ``_LazyReader`` is openpyxl's
    ``load_workbook`` minus its look at each sheet's size (see there).
    """
    try:
        reader = _lazy_reader()(handle, read_only=True, data_only=True)
        reader.read()
        return reader.wb
    except Exception as exc:  # zipfile, KeyError, XML errors: openpyxl has no common base
        raise UnreadableInput(f"{path} is a zip file but not a readable .xlsx: {exc}") from exc


@functools.cache
def _lazy_reader() -> type:
    """openpyxl's ``ExcelReader`` whose read-only sheets do not measure themselves.

    openpyxl 3.1's ``ReadOnlyWorksheet.__init__`` looks for a sheet's ``<dimension>``
    element and, in a sheet without one (many exporters write none), reads until the
    *end* of ``<sheetData>``: the whole sheet, for every sheet, before the first row is
    handed out (4 s of a 100k-row sheet; a bomb's GB). refnet resets the dimensions
    anyway, so the lazy sheet skips that look; ``read_worksheets`` is openpyxl's own
    read-only branch with the lazy sheet. Built on first use: openpyxl loads lazily.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class _LazyWorksheet(ReadOnlyWorksheet):  # type: ignore[misc]
        def _get_size(self) -> None:
            """No look at the size: the sheet is streamed with its dimensions reset."""

    class _LazyReader(ExcelReader):  # type: ignore[misc]
        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                ws = _LazyWorksheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    return _LazyReader


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
    check_expansion(path)
    with path.open("rb") as handle:
        workbook = _load_workbook(handle, path)
        try:
            yield _worksheet(workbook, sheet, path)
        finally:
            workbook.close()


def _xlsx_rows(ws: Any, path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) for every row; read-only mode yields an empty tuple for each
    missing row, so counting rows gives their numbers. Past ``MAX_CELLS`` cells the read
    stops with ``UnreadableInput`` (the zip checks bound the XML; this bounds the work).
    """
    cells = 0
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        cells += len(row)
        if cells > MAX_CELLS:
            raise UnreadableInput(f"{path} holds more than {MAX_CELLS:,} cells in one sheet; "
                                  "split it or export the data as CSV")
        yield number, [_cell(v) for v in row]


def _is_blank_cells(cells: list[Any]) -> bool:
    return all(c is None for c in cells)


def open_xlsx(path: Path, sheet: str | None) -> Source:
    first: list[tuple[int, list[Any]]] = []
    with _sheet(path, sheet) as ws:
        title = ws.title
        for number, cells in _xlsx_rows(ws, path):
            if number > PLAN_ROWS:  # a header below a thousand blank rows is not one
                break
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
        for number, cells in _xlsx_rows(ws, source.path):
            if number > source.header_line and not _is_blank_cells(cells):
                values = row_values(source.header, cells, None)
                yield Record(number, oversized(values) or values)
