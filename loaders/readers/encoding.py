"""A text file's encoding, proved rather than guessed, and what an undecodable byte (or a
row in another encoding) looks like once read.

Chinese exports are UTF-8, UTF-8 with a BOM or GB18030/GBK; guessing wrong turns every
name into mojibake that still loads, so strict decoders decide and charset-normalizer is
trusted only when it is confident. Files are also stitched together from exports made
on different machines, so one file can hold UTF-8 rows and GB18030 rows. GB18030 decodes
almost any bytes, UTF-8 bytes included (会员 becomes 浼氬憳), so a file read as GB18030
could take UTF-8 rows as mojibake without an error. The rule, per file:

1. a BOM names the encoding;
2. a file valid as UTF-8 from first to last byte is UTF-8;
3. otherwise each line with non-ASCII bytes in the first 16 MiB is evidence: *UTF-8*
   if it decodes strictly as UTF-8 and holds a character of three or more bytes
   (GB18030 text almost never does: one Chinese character is two bytes), else
   *GB18030* if it decodes as that; with UTF-8 evidence the majority decides (a tie
   goes to UTF-8); without it, strict GB18030 on the first MiB, then a confident
   charset-normalizer guess.

Rows that do not fit the chosen encoding are refused as ``bad_encoding``: bytes it
cannot decode, and, in a file read as anything but UTF-8/UTF-16, a row whose bytes are
UTF-8 evidence (``misread_utf8``).
"""

from __future__ import annotations

import codecs
import itertools
import re
from pathlib import Path
from typing import Final

from refnet.loaders.records import UnreadableInput

__all__ = ["BAD_ENCODING", "ESCAPED_BYTE", "MAX_CHAOS", "RAW_CHARS", "SAMPLE_BYTES", "bad_bytes",
           "detect_encoding", "explicit_encoding", "first_text_char", "misread_utf8",
           "readable", "row_encoding_error"]

BAD_ENCODING: Final = "bad_encoding"  # the reason code (records.REASONS) of such a row

SAMPLE_BYTES: Final = 1 << 20  # how much of a file the encoding must decode strictly
EVIDENCE_BYTES: Final = 16 << 20  # how much of a mixed file's lines choose its encoding
_CHUNK_BYTES: Final = 1 << 16  # read size while proving an encoding (keeps the peak small)
MAX_CHAOS: Final = 0.1  # charset-normalizer's guess is used only below this "mess" ratio
_STRICT_CANDIDATES: Final = ("utf-8", "gb18030")  # GBK is a subset of GB18030

# Bytes the encoding could not decode come through ``surrogateescape`` as U+DC80..U+DCFF.
ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def explicit_encoding(path: Path, encoding: str) -> str:
    """The caller's encoding, normalised; UTF-8 with a BOM still drops the BOM."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise UnreadableInput(f"{path}: unknown encoding {encoding!r}") from None
    if name == "utf-8" and _head(path, 3) == codecs.BOM_UTF8:
        return "utf-8-sig"
    return name


def detect_encoding(path: Path) -> str:
    """Prove a file's encoding: BOM, whole-file UTF-8, line evidence, a sure guess.

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
    if _decodes(path, "utf-8", limit=None):
        return "utf-8"
    utf8_lines, gb_lines = _line_evidence(path)
    if utf8_lines:
        return "utf-8" if utf8_lines >= gb_lines else "gb18030"
    if _decodes(path, "gb18030"):
        return "gb18030"
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


def _decodes(path: Path, encoding: str, limit: int | None = SAMPLE_BYTES) -> bool:
    """Whether the first ``limit`` bytes (None: all) decode strictly, read in chunks.

    The incremental decoder keeps a character cut at the ``limit`` boundary pending
    instead of failing on it; only a character cut by the end of the file is an error.
    """
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    remaining = limit if limit is not None else float("inf")
    try:
        with path.open("rb") as f:
            while remaining > 0:
                chunk = f.read(int(min(_CHUNK_BYTES, remaining)))
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


def first_text_char(path: Path, encoding: str) -> str:
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


RAW_CHARS: Final = 4096  # an unreadable row's text kept for quarantine (a preview)


def readable(text: str) -> str:
    """Text with undecodable bytes shown as ``\\xNN``, so quarantine can write it; cut
    to ``RAW_CHARS`` (a 100 MB broken line must not be copied into quarantine whole)."""
    cut = text[:RAW_CHARS]
    return ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", cut) + (
        "..." if len(text) > RAW_CHARS else "")


def bad_bytes(encoding: str) -> str:
    return f"contains bytes that are not valid {encoding}"


def _utf8_evidence(raw: bytes) -> bool:
    """Whether non-ASCII bytes read as UTF-8 with a character of 3+ bytes (U+0800 up)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(ord(c) >= 0x800 for c in text)


def _line_evidence(path: Path) -> tuple[int, int]:
    """(lines that are UTF-8 evidence, lines that decode only as GB18030) in the first
    ``EVIDENCE_BYTES``.

    A prefix is enough to choose: every row after it is still checked as it is read
    (``row_encoding_error``), so a wrong majority costs refused rows, never mojibake.
    The bound keeps detection of a GB file under a second (30 MB/s of lines in Python).
    """
    utf8 = gb = 0
    with path.open("rb") as f:
        for line in itertools.takewhile(lambda _: f.tell() <= EVIDENCE_BYTES, f):
            if line.isascii():
                continue
            if _utf8_evidence(line):
                utf8 += 1
                continue
            try:
                line.decode("gb18030")
            except UnicodeDecodeError:
                continue
            gb += 1
    return utf8, gb


def misread_utf8(text: str, encoding: str) -> bool:
    """Whether a row read as ``encoding`` was really UTF-8 (a mixed file's other rows).

    Only for encodings that decode UTF-8 bytes without an error (GB18030, Big5, ...):
    the row's bytes are recovered losslessly and tested as UTF-8 evidence.
    """
    if text.isascii() or encoding.replace("_", "-").startswith(("utf-8", "utf-16")):
        return False
    try:
        raw = text.encode(encoding, "surrogateescape")
    except UnicodeEncodeError:  # pragma: no cover - decoded by this codec, so encodable
        return False
    return _utf8_evidence(raw)


def row_encoding_error(text: str, encoding: str) -> str | None:
    """Why a decoded row cannot be trusted (bad bytes, a UTF-8 row), or None."""
    if text.isascii():
        return None
    if ESCAPED_BYTE.search(text):
        return bad_bytes(encoding)
    if misread_utf8(text, encoding):
        return (f"the row is UTF-8 but the file is read as {encoding} (most of its rows "
                "are): mixed encodings; re-export the file in one encoding")
    return None
