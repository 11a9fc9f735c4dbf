"""CSV (comma, tab or semicolon delimited): the delimiter sniffed from the first lines,
the header found, and records streamed with the line each starts on.

A row the csv module rejects, or one the encoding cannot be trusted with (undecodable
bytes, a UTF-8 row in a GB18030 file: ``encoding.row_encoding_error``), becomes an error
record for quarantine instead of ending the read.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from refnet.loaders.records import Record, UnreadableInput

from .encoding import BAD_ENCODING, readable, row_encoding_error
from .source import (
    HEADER_SCAN_ROWS,
    MAX_CELL_CHARS,
    Source,
    make_header,
    no_header,
    oversized,
    pick_header,
    row_values,
)

__all__ = ["DELIMITERS", "csv_records", "open_csv"]

_SNIFF_CHARS: Final = 1 << 16  # text sampled to choose the delimiter
_SNIFF_LINES: Final = 20  # physical lines whose records choose the delimiter

DELIMITERS: Final = (",", "\t", ";")  # in order of preference when the evidence ties


@dataclass(frozen=True)
class _CsvRow:
    """One parsed CSV record: where it starts, its cells, or why it could not be read."""

    line: int
    cells: list[str]
    error: str | None = None
    raw: str = ""  # the row's text: of an error row, or of a row longer than a cell may be
    code: str = "bad_value"  # the reason code an error row is quarantined with


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
                yield _CsvRow(start, [], f"csv: {exc}", readable("".join(taken)))
            else:
                raw = "".join(taken)
                why = None if raw.isascii() else row_encoding_error(raw, encoding)
                if why is None:
                    yield _CsvRow(start, cells, raw=raw if len(raw) > MAX_CELL_CHARS else "")
                else:
                    yield _CsvRow(start, [], why, readable(raw), BAD_ENCODING)
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


def open_csv(path: Path, encoding: str, delimiter: str | None) -> Source:
    delimiter = delimiter or _sniff_delimiter(path, encoding)
    first: list[_CsvRow] = []
    with closing(_csv_rows(path, encoding, delimiter)) as rows:  # closes the file early
        for row in rows:
            if row.error is None and not _is_blank(row.cells):
                first.append(row)
                if len(first) == HEADER_SCAN_ROWS:
                    break
    index = pick_header([row.cells for row in first])
    if index is None:
        raise UnreadableInput(no_header(path))
    header = make_header(first[index].cells)
    return Source(path, "csv", encoding, header, None, first[index].line, delimiter)


def csv_records(source: Source) -> Iterator[Record]:
    assert source.encoding is not None and source.delimiter is not None
    for row in _csv_rows(source.path, source.encoding, source.delimiter):
        if row.line <= source.header_line:
            continue
        if row.error is not None:
            error = {"_error": row.error, "_raw": row.raw}
            if row.code != "bad_value":
                error["_code"] = row.code
            yield Record(row.line, error)
        elif not _is_blank(row.cells):
            values = row_values(source.header, row.cells, "")
            # only a row longer than a cell may be can hold an oversized cell
            yield Record(row.line, (row.raw and oversized(values)) or values)
