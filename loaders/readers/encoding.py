"""A text file's encoding, proved on its first MiB rather than guessed, and what an
undecodable byte looks like once read.

Chinese exports are UTF-8, UTF-8 with a BOM or GB18030/GBK; guessing wrong turns every
name into mojibake that still loads, so strict decoders decide and charset-normalizer is
trusted only when it is confident.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Final

from refnet.loaders.records import UnreadableInput

__all__ = ["ESCAPED_BYTE", "MAX_CHAOS", "SAMPLE_BYTES", "bad_bytes", "detect_encoding",
           "explicit_encoding", "first_text_char", "readable"]

SAMPLE_BYTES: Final = 1 << 20  # how much of a file the encoding must decode strictly
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


def readable(text: str) -> str:
    """Text with undecodable bytes shown as ``\\xNN``, so quarantine can write it."""
    return ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)


def bad_bytes(encoding: str) -> str:
    return f"contains bytes that are not valid {encoding}"
