"""Streaming readers for the files organizers export: CSV, XLSX and JSONL to ``Record``s.

``open_source`` looks at a file once (format, encoding, delimiter, which row is the
header) and returns a ``Source``; ``records`` streams the data rows of that source as
``Record(line, {header: raw value})``. Profiles map those records onto canonical rows.

Why it is built this way:

- Exports arrive with the wrong extension (an ``.xls`` that is really CSV, an
  extensionless download), so the format comes from the bytes, not the name.
- Chinese exports are UTF-8, UTF-8 with a BOM (Excel's "CSV UTF-8") or GB18030/GBK
  (Excel's default "CSV" on a Chinese Windows). Guessing wrong turns every name into
  mojibake that still loads, so the encoding is *proved* with strict decoders (the
  whole file for UTF-8, line evidence for a mixed file: see ``encoding``), and
  charset-normalizer is trusted only when it is confident.
- Files run to gigabytes, so nothing reads a whole file: rows are parsed one at a time
  and only a bounded prefix is sampled for detection.
- A bad row must reach quarantine, never vanish and never stop a load: a line that is
  not a JSON object, a CSV row the csv module rejects, or a row holding bytes the
  detected encoding cannot decode is yielded as
  ``Record(line, {"_error": reason, "_raw": text})``.

An empty cell is ``""`` in CSV and ``None`` in XLSX (what openpyxl gives, and what
``tests/samples.py`` expects); a cell missing from a short row is empty the same way.

Names the reader makes up start with an underscore: ``_extra`` (cells beyond the
header, as a list), ``_error``/``_raw`` (an unreadable row; ``_code`` its reason code
when not ``bad_value``, e.g. ``bad_encoding``), ``_col{n}`` (an empty header cell in
column n).

One module per concern: ``encoding`` (proving it), ``source`` (the ``Source`` and the
header rules), and one per format: ``delimited`` (CSV), ``xlsx``, ``jsonl``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

from refnet.loaders.records import Record, UnreadableInput

from .delimited import csv_records, open_csv
from .encoding import SAMPLE_BYTES, detect_encoding, explicit_encoding, first_text_char
from .jsonl import JSONL_HEADER_OBJECTS, jsonl_records, open_jsonl
from .source import Source
from .xlsx import open_xlsx, xlsx_records

__all__ = ["JSONL_HEADER_OBJECTS", "OLE2_MAGIC", "SAMPLE_BYTES", "Source", "open_source",
           "records"]

ZIP_MAGIC: Final = b"PK\x03\x04"
OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted .xlsx


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
        return open_xlsx(path, sheet)
    if magic.startswith(OLE2_MAGIC):
        raise UnreadableInput(
            f"{path} is a legacy .xls workbook (or a password-protected .xlsx), which "
            "cannot be read; save it as .xlsx or CSV")
    enc = explicit_encoding(path, encoding) if encoding else detect_encoding(path)
    first = first_text_char(path, enc)
    if first == "{":
        return open_jsonl(path, enc)
    if first == "<":
        raise UnreadableInput(
            f"{path} looks like HTML or XML (a web page saved with a spreadsheet name), "
            "not CSV, XLSX or JSONL; open it in a spreadsheet and save it as .xlsx or CSV")
    return open_csv(path, enc, delimiter)


def records(source: Source) -> Iterator[Record]:
    """The data rows of a source, streamed, each with the line (row) where it starts.

    Blank rows are skipped. The file stays open until the iterator is exhausted or
    closed (``contextlib.closing`` it if you may stop early).
    """
    if source.format == "csv":
        return csv_records(source)
    if source.format == "xlsx":
        return xlsx_records(source)
    if source.format == "jsonl":
        return jsonl_records(source)
    raise ValueError(f"unknown source format {source.format!r}")
