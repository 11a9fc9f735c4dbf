"""The seal a case file carries: the SHA-256 of every byte before it, on its last line.

The seal is one line appended to the finished file, in the file's own comment syntax,
so that browsers, PDF readers and printers pass over it:

* HTML: ``<!-- refnet-seal sha256=<64 hex> length=<bytes> -->``
* PDF: ``%refnet-seal sha256=<64 hex> length=<bytes>`` after ``%%EOF`` (readers find
  ``%%EOF`` within the file's last kilobyte, and a comment line is allowed there).

``check`` recomputes it: the file must be the sealed bytes and the seal line and
nothing else, so a changed, added or removed byte anywhere fails. A SHA-256 proves the
file unchanged since it was sealed only together with a copy of the seal kept apart:
refnet keeps one for every report it makes (``kept``), and ``report verify`` compares.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final

from refnet.graph.errors import BadInput

__all__ = ["Broken", "Sealed", "check", "seal"]

_LINES: Final = {"html": (b"<!-- refnet-seal ", b" -->\n"), "pdf": (b"%refnet-seal ", b"\n")}
_LINE: Final = re.compile(rb"(?:<!-- |%)refnet-seal sha256=([0-9a-f]{64}) length=(\d+)"
                          rb"(?: -->)?\n\Z")


class Broken(BadInput):
    """The file is not as refnet sealed it: changed, cut, extended, or never sealed."""

    code = "SEAL_BROKEN"


@dataclass(frozen=True)
class Sealed:
    """What a seal says: the digest of the sealed bytes and how many there are."""

    sha256: str
    length: int


def seal(body: bytes, kind: str) -> tuple[bytes, Sealed]:
    """``body`` with its seal line appended, and the seal."""
    if kind not in _LINES:
        raise BadInput(f"cannot seal a {kind!r} file; html or pdf")
    if kind == "pdf" and not body.rstrip().endswith(b"%%EOF"):
        raise BadInput("not a complete PDF: it does not end with %%EOF")
    if not body.endswith(b"\n"):
        body += b"\n"
    sealed = Sealed(hashlib.sha256(body).hexdigest(), len(body))
    head, tail = _LINES[kind]
    line = head + f"sha256={sealed.sha256} length={sealed.length}".encode() + tail
    return body + line, sealed


def check(data: bytes) -> Sealed:
    """The seal of ``data`` when every byte is as sealed; ``Broken`` says what is not."""
    start = data.rfind(b"refnet-seal ")
    if start < 0:
        raise Broken("no refnet seal: this file was not made by refnet report, or its "
                     "last line was removed")
    line_start = data.rfind(b"\n", 0, start) + 1
    found = _LINE.match(data, line_start)
    if found is None:
        raise Broken("the seal line is damaged, or something was added after it")
    digest, length = found.group(1).decode(), int(found.group(2))
    if length != line_start:
        raise Broken(f"the file has {line_start:,} bytes before its seal; the seal says "
                     f"{length:,}: something was added or removed")
    actual = hashlib.sha256(data[:line_start]).hexdigest()
    if actual != digest:
        raise Broken(f"the content changed after it was sealed: SHA-256 {actual} where "
                     f"the seal says {digest}")
    return Sealed(digest, length)
