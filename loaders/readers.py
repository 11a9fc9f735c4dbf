"""Streaming readers for the files organizers export: CSV, XLSX and JSONL to ``Record``s.

``open_source`` looks at a file once (format, encoding, delimiter, which row is the
header) and returns a ``Source``; ``records`` streams the data rows of that source as
``Record(line, {header: raw value})``. Profiles map those records onto canonical rows.

Why it is built this way:

- Exports arrive with the wrong extension (an ``.xls`` that is really CSV, an
  extensionless download), so the format comes from the bytes, not the name.
- Chinese exports are UTF-8, UTF-8 with a BOM (Excel's "CSV UTF-8") or GB18030/GBK
  (Excel's default "CSV" on a Chinese Windows). Guessing wrong turns every name into
  mojibake that still loads, so the encoding is *proved* on the first MiB with strict
  decoders, and charset-normalizer is trusted only when it is confident.
- Files run to gigabytes, so nothing reads a whole file: rows are parsed one at a time
  and only a bounded prefix is sampled for detection.
- A bad row must reach quarantine, never vanish and never stop a load: a line that is
  not a JSON object, a CSV row the csv module rejects, or a row holding bytes the
  detected encoding cannot decode is yielded as
  ``Record(line, {"_error": reason, "_raw": text})``.

An empty cell is ``""`` in CSV and ``None`` in XLSX (what openpyxl gives, and what
``tests/samples.py`` expects); a cell missing from a short row is empty the same way.

Names the reader makes up start with an underscore: ``_extra`` (cells beyond the
header, as a list), ``_error``/``_raw`` (an unreadable row), ``_col{n}`` (an empty
header cell in column n).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from refnet.loaders.records import Record, UnreadableInput

__all__ = ["Source", "open_source", "records"]

ZIP_MAGIC: Final = b"PK\x03\x04"
OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted .xlsx

SAMPLE_BYTES: Final = 1 << 20  # how much of a file the encoding must decode strictly
_CHUNK_BYTES: Final = 1 << 16  # read size while proving an encoding (keeps the peak small)
_SNIFF_CHARS: Final = 1 << 16  # text sampled to choose the delimiter
_SNIFF_LINES: Final = 20  # physical lines whose records choose the delimiter
HEADER_SCAN_ROWS: Final = 10  # the header is looked for among this many non-blank rows
JSONL_HEADER_OBJECTS: Final = 1000  # a JSONL header is the union of keys over this many objects
MAX_CHAOS: Final = 0.1  # charset-normalizer's guess is used only below this "mess" ratio

DELIMITERS: Final = (",", "\t", ";")  # in order of preference when the evidence ties
_STRICT_CANDIDATES: Final = ("utf-8", "gb18030")  # GBK is a subset of GB18030

# Bytes the encoding could not decode come through ``surrogateescape`` as U+DC80..U+DCFF.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_JSON_TYPE_NAMES: Final = {list: "an array", str: "a string", int: "a number",
                           float: "a number", bool: "true/false", type(None): "null"}


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


def open_source(
    path: Path | str,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Source:
    """Detect a file's format, encoding, delimiter and header row; read no data rows.

    ``encoding`` and ``delimiter`` override detection (for a file detection gets wrong)
    and are ignored for XLSX; ``sheet`` picks an XLSX sheet by name (default: the first
    worksheet) and is ignored for text formats. Raises
    ``FileNotFoundError`` for a missing file and ``UnreadableInput`` for a file that
    cannot be read at all (unknown encoding, no header row, not a workbook, ...).
    """
    path = Path(path)
    with path.open("rb") as f:  # FileNotFoundError for a missing file, as callers expect
        magic = f.read(len(OLE2_MAGIC))
    if magic.startswith(ZIP_MAGIC):
        return _open_xlsx(path, sheet)
    if magic.startswith(OLE2_MAGIC):
        raise UnreadableInput(
            f"{path} is a legacy .xls workbook (or a password-protected .xlsx), which "
            "cannot be read; save it as .xlsx or CSV")
    enc = _explicit_encoding(path, encoding) if encoding else _detect_encoding(path)
    first = _first_text_char(path, enc)
    if first == "{":
        return _open_jsonl(path, enc)
    if first == "<":
        raise UnreadableInput(
            f"{path} looks like HTML or XML (a web page saved with a spreadsheet name), "
            "not CSV, XLSX or JSONL; open it in a spreadsheet and save it as .xlsx or CSV")
    return _open_csv(path, enc, delimiter)


def records(source: Source) -> Iterator[Record]:
    """The data rows of a source, streamed, each with the line (row) where it starts.

    Blank rows are skipped. The file stays open until the iterator is exhausted or
    closed (``contextlib.closing`` it if you may stop early).
    """
    if source.format == "csv":
        return _csv_records(source)
    if source.format == "xlsx":
        return _xlsx_records(source)
    if source.format == "jsonl":
        return _jsonl_records(source)
    raise ValueError(f"unknown source format {source.format!r}")


# -- encoding ------------------------------------------------------------------------


def _explicit_encoding(path: Path, encoding: str) -> str:
    """The caller's encoding, normalised; UTF-8 with a BOM still drops the BOM."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise UnreadableInput(f"{path}: unknown encoding {encoding!r}") from None
    if name == "utf-8" and _head(path, 3) == codecs.BOM_UTF8:
        return "utf-8-sig"
    return name


def _detect_encoding(path: Path) -> str:
    """Prove an encoding on the first MiB: BOM, then strict UTF-8, GB18030, a sure guess.

    Strict decoding is proof, not a guess: GB18030 bytes are almost never valid UTF-8,
    and GB18030 decodes only what it maps. charset-normalizer comes last (Big5,
    Shift-JIS, ...) and only when it reports little mess; anything else is refused
    rather than loaded as mojibake.
    """
    head = _head(path, 4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode Text" export; the codec reads the BOM
    for candidate in _STRICT_CANDIDATES:
        if _decodes(path, candidate):
            return candidate
    guess, why = _charset_normalizer_guess(path)
    if guess is not None:
        return guess
    raise UnreadableInput(
        f"{path}: cannot tell its text encoding; tried a UTF-8/UTF-16 BOM, strict "
        f"{', '.join(_STRICT_CANDIDATES)} on the first {SAMPLE_BYTES // (1 << 20)} MiB and "
        f"charset-normalizer ({why}); pass encoding= if you know it")


def _head(path: Path, size: int) -> bytes:
    with path.open("rb") as f:
        return f.read(size)


def _decodes(path: Path, encoding: str, limit: int = SAMPLE_BYTES) -> bool:
    """Whether the first ``limit`` bytes decode strictly, read in small chunks.

    The incremental decoder keeps a character cut at the ``limit`` boundary pending
    instead of failing on it; only a character cut by the end of the file is an error.
    """
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    remaining = limit
    try:
        with path.open("rb") as f:
            while remaining > 0:
                chunk = f.read(min(_CHUNK_BYTES, remaining))
                if not chunk:
                    decoder.decode(b"", final=True)
                    break
                remaining -= len(chunk)
                decoder.decode(chunk)
    except UnicodeDecodeError:
        return False
    return True


def _charset_normalizer_guess(path: Path) -> tuple[str | None, str]:
    """charset-normalizer's best guess if its chaos is low and it decodes; else why not."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return None, "not installed"
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
    best = from_bytes(sample).best()
    if best is None:
        return None, "no plausible encoding"
    if best.chaos > MAX_CHAOS:
        return None, f"best guess {best.encoding} too uncertain, chaos {best.chaos:.2f}"
    name = codecs.lookup(best.encoding).name
    if not _decodes(path, name):
        return None, f"best guess {name} does not decode the sample"
    return name, ""


def _first_text_char(path: Path, encoding: str) -> str:
    """The first non-blank character of the text (a BOM is not text), or ``""``."""
    with path.open(encoding=encoding, errors="replace", newline="") as f:
        for _ in range(SAMPLE_BYTES // _CHUNK_BYTES):
            chunk = f.read(_CHUNK_BYTES)
            if not chunk:
                return ""
            text = chunk.lstrip().lstrip("\ufeff").lstrip()
            if text:
                return text[0]
    return ""


def _readable(text: str) -> str:
    """Text with undecodable bytes shown as ``\\xNN``, so quarantine can write it."""
    return _ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)


def _bad_bytes(encoding: str) -> str:
    return f"contains bytes that are not valid {encoding}"


# -- header --------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _pick_header(rows: Sequence[Sequence[Any]]) -> int | None:
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


def _make_header(cells: Sequence[Any]) -> list[str]:
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


def _values(header: Sequence[str], cells: Sequence[Any], empty: Any) -> dict[str, Any]:
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


# -- CSV -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _CsvRow:
    """One parsed CSV record: where it starts, its cells, or why it could not be read."""

    line: int
    cells: list[str]
    error: str | None = None
    raw: str = ""


def _open_text(path: Path, encoding: str) -> IO[str]:
    """Text mode for the csv module: ``newline=""`` keeps newlines inside quoted cells;
    ``surrogateescape`` lets one undecodable row be quarantined instead of ending the read.
    """
    return path.open(encoding=encoding, errors="surrogateescape", newline="")


def _tap(lines: Iterable[str], taken: list[str]) -> Iterator[str]:
    """Pass lines to the csv reader, remembering those of the record being parsed."""
    for line in lines:
        taken.append(line)
        yield line


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[_CsvRow]:
    """Every CSV record with the line it starts on, streamed.

    ``reader.line_num`` counts physical lines read so far, so a record starts one line
    after the previous record ended, however many lines its quoted cells span. After
    a ``csv.Error`` the reader resets and goes on with the next line.
    """
    with _open_text(path, encoding) as f:
        taken: list[str] = []
        reader = csv.reader(_tap(f, taken), delimiter=delimiter)
        start = 1
        while True:
            taken.clear()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield _CsvRow(start, [], f"csv: {exc}", _readable("".join(taken)))
            else:
                raw = "".join(taken)
                if raw.isascii() or not _ESCAPED_BYTE.search(raw):
                    yield _CsvRow(start, cells)
                else:
                    yield _CsvRow(start, [], _bad_bytes(encoding), _readable(raw))
            start = reader.line_num + 1


def _is_blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


def _sniff_delimiter(path: Path, encoding: str) -> str:
    """The delimiter among ``, \\t ;`` that splits the first lines most consistently.

    A delimiter scores the number of the first ``_SNIFF_LINES`` physical lines that its
    records of one cell count cover, if that count is at least 2 (the count covering
    the most lines); ties go to the earlier one in ``DELIMITERS`` (a comma CSV whose
    cells hold tabs stays a comma CSV). Lines, not records: a quoted cell spanning
    lines is one record under the right delimiter, but under a wrong one its lines can
    split into more records of one width than the file has rows, which once made a
    comma CSV with tabs and newlines in quoted cells read as tab-separated. Under the
    right delimiter every line of a regular file is covered, the most any can score.
    """
    with _open_text(path, encoding) as f:
        sample = f.read(_SNIFF_CHARS)
        truncated = f.read(1) != ""
    best, best_score = DELIMITERS[0], 0
    for delimiter in DELIMITERS:
        score = _consistency(_sample_rows(sample, delimiter, truncated))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _sample_rows(sample: str, delimiter: str, truncated: bool) -> list[tuple[int, list[str]]]:
    """The records starting in the first ``_SNIFF_LINES`` lines, each with the number of
    those lines it covers."""
    lines = io.StringIO(sample, newline="")
    reader = csv.reader(lines, delimiter=delimiter)  # takes a line at a time from lines
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            # Only empty lines are left out: a row of bare delimiters (",,," padding) is
            # evidence, and what is blank under one delimiter is not blank under another.
            if cells:
                rows.append((min(reader.line_num, _SNIFF_LINES) - start + 1, cells))
            start = reader.line_num + 1
            if start > _SNIFF_LINES:
                break
    except csv.Error:
        return []
    if truncated and rows and not lines.read(1):
        rows.pop()  # it ends where the sample does, maybe inside the row
    return rows


def _consistency(rows: list[tuple[int, list[str]]]) -> int:
    lines: Counter[int] = Counter()
    for covered, cells in rows:
        lines[len(cells)] += covered
    if not lines:
        return 0
    width, covered = max(lines.items(), key=lambda item: (item[1], item[0]))
    return covered if width >= 2 else 0


def _open_csv(path: Path, encoding: str, delimiter: str | None) -> Source:
    delimiter = delimiter or _sniff_delimiter(path, encoding)
    first: list[_CsvRow] = []
    with closing(_csv_rows(path, encoding, delimiter)) as rows:  # closes the file early
        for row in rows:
            if row.error is None and not _is_blank(row.cells):
                first.append(row)
                if len(first) == HEADER_SCAN_ROWS:
                    break
    index = _pick_header([row.cells for row in first])
    if index is None:
        raise UnreadableInput(_no_header(path))
    header = _make_header(first[index].cells)
    return Source(path, "csv", encoding, header, None, first[index].line, delimiter)


def _no_header(path: Path) -> str:
    return (f"{path} has no header row (none of its first {HEADER_SCAN_ROWS} non-blank "
            "rows has 2 or more non-empty cells)")


def _csv_records(source: Source) -> Iterator[Record]:
    assert source.encoding is not None and source.delimiter is not None
    for row in _csv_rows(source.path, source.encoding, source.delimiter):
        if row.line <= source.header_line:
            continue
        if row.error is not None:
            yield Record(row.line, {"_error": row.error, "_raw": row.raw})
        elif not _is_blank(row.cells):
            yield Record(row.line, _values(source.header, row.cells, ""))


# -- XLSX ----------------------------------------------------------------------------


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


def _open_xlsx(path: Path, sheet: str | None) -> Source:
    first: list[tuple[int, list[Any]]] = []
    with _sheet(path, sheet) as ws:
        title = ws.title
        for number, cells in _xlsx_rows(ws):
            if not _is_blank_cells(cells):
                first.append((number, cells))
                if len(first) == HEADER_SCAN_ROWS:
                    break
    index = _pick_header([cells for _, cells in first])
    if index is None:
        raise UnreadableInput(_no_header(path))
    number, cells = first[index]
    return Source(path, "xlsx", None, _make_header(cells), title, number)


def _xlsx_records(source: Source) -> Iterator[Record]:
    with _sheet(source.path, source.sheet) as ws:
        for number, cells in _xlsx_rows(ws):
            if number > source.header_line and not _is_blank_cells(cells):
                yield Record(number, _values(source.header, cells, None))


# -- JSONL ---------------------------------------------------------------------------


def _jsonl_lines(path: Path, encoding: str) -> Iterator[tuple[int, dict[str, Any] | str, str]]:
    """(line, object or the reason it is not one, text) for every non-blank line."""
    with path.open(encoding=encoding, errors="surrogateescape", newline="\n") as f:
        for number, line in enumerate(f, start=1):
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            yield number, _parse_object(text, encoding), text


def _parse_object(text: str, encoding: str) -> dict[str, Any] | str:
    if not text.isascii() and _ESCAPED_BYTE.search(text):
        return _bad_bytes(encoding)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"invalid JSON: {exc.msg} at column {exc.colno}"
    except (ValueError, RecursionError) as exc:
        return f"invalid JSON: {exc}"
    if not isinstance(value, dict):
        return f"not a JSON object but {_JSON_TYPE_NAMES.get(type(value), 'a value')}"
    return value


def _open_jsonl(path: Path, encoding: str) -> Source:
    """Header: the union of keys, in first-seen order, over the first 1,000 objects.

    JSONL has no header line and objects may omit keys, so the header is what a bounded
    prefix shows; a key first seen later still reaches its record's values.
    """
    keys: dict[str, None] = {}
    first_line = 0
    objects = 0
    with closing(_jsonl_lines(path, encoding)) as lines:
        for number, parsed, _ in lines:
            if isinstance(parsed, dict):
                first_line = first_line or number
                keys.update(dict.fromkeys(parsed))
                objects += 1
                if objects == JSONL_HEADER_OBJECTS:
                    break
    if not keys:
        raise UnreadableInput(f"{path} has no header row (no JSON object with keys)")
    return Source(path, "jsonl", encoding, list(keys), None, first_line)


def _jsonl_records(source: Source) -> Iterator[Record]:
    """Every non-blank line is a record: an object as is, anything else as an error.

    Lines before ``header_line`` are data too (a broken first line must be quarantined).
    """
    assert source.encoding is not None
    for number, parsed, text in _jsonl_lines(source.path, source.encoding):
        if isinstance(parsed, dict):
            yield Record(number, parsed)
        else:
            yield Record(number, {"_error": parsed, "_raw": _readable(text)})
