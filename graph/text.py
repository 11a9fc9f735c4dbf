"""Characters the stores cannot keep: one guard for every place text is checked.

FalkorDB (4.16.3; see the traps in ``falkordb_store.py``) cannot take U+0000 in the
parameter header its client writes, read or write, and a U+0001 written to a uniquely
constrained property crashes its server and breaks index lookups. Neo4j keeps both, but
refnet holds both backends to one rule, so these two are what ``control_character``
looks for unless told otherwise (``NEVER_WRITTEN``; a read only needs ``NEVER_SENT``).

The loaders are stricter with a cell's text than the stores need: no control character
is meant in an id or a name, so a profile refuses every C0 control character and DEL
(``CONTROL``), or, in free text whose tabs and newlines it folds into spaces, every one
but those two (``CONTROL_IN_TEXT``), as ``bad_text``.

>>> control_character("m1")
>>> control_character("a\\x01b")
'\\x01'
>>> control_character("a\\tb", CONTROL), control_character("a\\tb", CONTROL_IN_TEXT)
('\\t', None)
"""

from __future__ import annotations

import functools
import re
from typing import Final

__all__ = ["CONTROL", "CONTROL_IN_TEXT", "NEVER_SENT", "NEVER_WRITTEN", "control_character",
           "shown"]

NEVER_SENT: Final = "\x00"  # cannot travel in FalkorDB's parameter header
NEVER_WRITTEN: Final = "\x00\x01"  # and U+0001 crashes FalkorDB's unique index
CONTROL: Final = "".join(map(chr, range(0x20))) + "\x7f"  # C0 controls and DEL
CONTROL_IN_TEXT: Final = CONTROL.replace("\t", "").replace("\n", "")


def control_character(text: str, among: str = NEVER_WRITTEN) -> str | None:
    """The first character of ``text`` that is one of ``among``, or None.

    By default ``among`` is what the stores cannot keep (U+0000, U+0001).
    """
    if len(among) <= 2:  # the stores' sets, checked per value on the load path:
        for char in among:  # a scan per character (in C) beats a regex search here
            if char in text:
                break
        else:
            return None
        return text[min(i for i in map(text.find, among) if i >= 0)]
    found = _pattern(among).search(text)
    return found.group() if found else None


@functools.cache
def _pattern(among: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(among)}]")


def shown(value: object, limit: int = 40) -> str:
    """``repr(value)`` cut to ``limit`` characters: an error may name what it refuses,
    but never echoes a caller's megabyte back (a 200 MB cursor once came back whole)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
