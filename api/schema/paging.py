"""Relay connections and their cursors, shared by every list in the schema.

Cursors are opaque to clients (URL-safe base64 of a JSON list: the sort key of the
last row), so the store can page by key instead of by offset; a tampered cursor is
the caller's error, not a crash.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from graphene import relay

from refnet.graph.errors import BadInput
from refnet.graph.text import NEVER_SENT, control_character

__all__ = ["MAX_CURSOR", "connection", "decode_cursor", "encode_cursor", "enum_value",
           "page_size"]


def enum_value(choice: Any) -> Any:
    """graphene 3 hands resolvers the Enum member; the questions take its value."""
    return getattr(choice, "value", choice)


def encode_cursor(*parts: Any) -> str:
    """The last row's sort key, opaque to the client, which only passes it back."""
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode()


MAX_CURSOR = 1_024  # characters; this API's cursors are a sort key and an id
# A cursor's integer is a time in ms, which refnet keeps from 1970 on and far inside
# 2**62 either way. FalkorDB compares two integers by their difference, wrong when it
# overflows int64 (`RETURN 0 > $x` is false for x = -2**63, where Neo4j says true), so
# a forged part past 2**62 would page differently on the two backends: it is refused.
_CURSOR_INT = 1 << 62


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    """The parts of an opaque cursor, each a string or an integer as ``encode_cursor``
    wrote it (or null). Anything else — too long, not base64 or JSON, NaN, a map, a
    nested list, a NUL — is the caller's error, said without echoing the cursor: it
    would otherwise reach the store as a parameter."""
    if cursor is None:
        return None
    parts: Any = None
    if len(cursor) <= MAX_CURSOR:
        try:
            parts = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")),
                               parse_constant=_refuse_constant)
        except (ValueError, UnicodeError, RecursionError):
            parts = None
    if (not isinstance(parts, list) or len(parts) != arity
            or not all(_plain(p) for p in parts)):
        raise BadInput("bad cursor: pass back an endCursor this API gave")
    return parts


def _plain(part: Any) -> bool:
    if isinstance(part, str):
        return control_character(part, NEVER_SENT) is None
    return part is None or (type(part) is int and -_CURSOR_INT <= part < _CURSOR_INT)


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def page_size(first: int) -> int:
    """``first`` checked again here: the schema also runs without ``api.limits`` (e.g.
    ``schema.execute`` in a script), and a negative page makes no sense anywhere."""
    if first is None or first < 0:
        raise BadInput("first must be zero or more")
    return first


def connection(conn: type[relay.Connection], rows: list[Any], first: int,
               node: Callable[[Any], Any], cursor: Callable[[Any], str]) -> relay.Connection:
    """A Relay connection from up to ``first + 1`` rows (the extra one says "more")."""
    has_next = len(rows) > first
    rows = rows[:first]
    edges = [conn.Edge(node=node(r), cursor=cursor(r)) for r in rows]
    return conn(edges=edges, page_info=relay.PageInfo(
        has_next_page=has_next, has_previous_page=False,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    ))
