"""JSON Lines: one object per line; the header is the union of the first objects' keys.

A line that is not a JSON object is an error record, so it reaches quarantine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import IO, Any, Final

from refnet.loaders.records import Record, UnreadableInput

from .encoding import BAD_ENCODING, readable, row_encoding_error
from .source import MAX_CELL_CHARS, TOO_LARGE, Source, oversized

__all__ = ["JSONL_HEADER_OBJECTS", "jsonl_records", "open_jsonl"]

JSONL_HEADER_OBJECTS: Final = 1000  # a JSONL header is the union of keys over this many objects
# A line past this is refused (too_large) without being held: read in pieces and dropped.
MAX_LINE_CHARS: Final = 1 << 20
_SKIP_CHARS: Final = 1 << 16
_JSON_TYPE_NAMES: Final = {list: "an array", str: "a string", int: "a number",
                           float: "a number", bool: "true/false", type(None): "null"}


class _Refused(str):
    """Why a line is not an object, with the reason code it is quarantined under."""

    code: str

    def __new__(cls, why: str, code: str) -> _Refused:
        self = super().__new__(cls, why)
        self.code = code
        return self


def _jsonl_lines(path: Path, encoding: str) -> Iterator[tuple[int, dict[str, Any] | str, str]]:
    """(line, object or the reason it is not one, text) for every non-blank line."""
    with path.open(encoding=encoding, errors="surrogateescape", newline="\n") as f:
        number = 0
        while line := f.readline(MAX_LINE_CHARS + 1):
            number += 1
            if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
                size = len(line) + _skip_line(f)
                yield number, _Refused(f"a line of {size:,} characters, more than the "
                                       f"{MAX_LINE_CHARS:,} read", TOO_LARGE), line[:200] + "..."
                continue
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            yield number, _parse_object(text, encoding), text


def _skip_line(f: IO[str]) -> int:
    """Read the rest of an overlong line in pieces, keeping none; its length."""
    size = 0
    while piece := f.readline(_SKIP_CHARS):
        size += len(piece)
        if piece.endswith("\n"):
            break
    return size


def _parse_object(text: str, encoding: str) -> dict[str, Any] | str:
    why = None if text.isascii() else row_encoding_error(text, encoding)
    if why is not None:
        return _Refused(why, BAD_ENCODING)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"invalid JSON: {exc.msg} at column {exc.colno}"
    except (ValueError, RecursionError) as exc:
        return f"invalid JSON: {exc}"
    if not isinstance(value, dict):
        return f"not a JSON object but {_JSON_TYPE_NAMES.get(type(value), 'a value')}"
    return value


def open_jsonl(path: Path, encoding: str) -> Source:
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


def jsonl_records(source: Source) -> Iterator[Record]:
    """Every non-blank line is a record: an object as is, anything else as an error.

    Lines before ``header_line`` are data too (a broken first line must be quarantined).
    """
    assert source.encoding is not None
    for number, parsed, text in _jsonl_lines(source.path, source.encoding):
        if isinstance(parsed, dict):
            # only a line longer than a cell may be can hold an oversized value
            yield Record(number, (len(text) > MAX_CELL_CHARS and oversized(parsed)) or parsed)
        else:
            error = {"_error": str(parsed), "_raw": readable(text)}
            if isinstance(parsed, _Refused):
                error["_code"] = parsed.code
            yield Record(number, error)
