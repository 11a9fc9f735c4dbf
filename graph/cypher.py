"""Cypher by name: ``queries/<area>/<question>.cypher``, with per-backend overrides.

The .cypher files are data inside the ``refnet.queries`` package; this module only
reads them, so the store never imports the question code that sits on top of it.

A name such as ``network/summary`` resolves to ``network/summary.<dialect>.cypher``
when that file exists (``falkordb`` or ``neo4j``) and to ``network/summary.cypher``
otherwise. Names never come from user input, but they are still checked, so a typo
fails loudly instead of running the wrong text.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from .errors import QueryNotFound

__all__ = ["DIALECTS", "load", "names", "row_columns", "texts_for"]

DIALECTS = ("falkordb", "neo4j")
_NAME = re.compile(r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*$")
_ROW_FIELD = re.compile(r"row\[(\d+)\]\s+AS\s+(\w+)")


def _root() -> Traversable:
    return resources.files("refnet.queries")


@cache
def load(name: str, dialect: str) -> str:
    """The query text for ``name`` as the ``dialect`` backend should run it."""
    if dialect not in DIALECTS:
        raise QueryNotFound(f"unknown dialect {dialect!r}; expected one of {DIALECTS}")
    if not _NAME.match(name):
        raise QueryNotFound(f"bad query name {name!r}: use lower_case/segments")
    *folders, stem = name.split("/")
    node = _root()
    for folder in folders:
        node = node / folder
    for candidate in (f"{stem}.{dialect}.cypher", f"{stem}.cypher"):
        path = node / candidate
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise QueryNotFound(f"no query named {name!r} (looked for {name}.cypher under refnet/queries)")


@cache
def row_columns(name: str, dialect: str) -> tuple[str, ...]:
    """The fields of each list in a batch query's ``$rows``, in order.

    Batch writes send each row as a list, not a map: a list of plain values is quoted
    as JSON text in one C call, where a map costs a Python call per value. The query
    names the positions once (``WITH row[0] AS i, row[1] AS member_id, ...``; plain
    variables cost the server less than a map built per row), and this reads that
    line, so the order lives in one place.
    """
    fields = {int(k): field for k, field in _ROW_FIELD.findall(load(name, dialect))}
    if sorted(fields) != list(range(len(fields))) or fields.get(0) != "i":
        raise QueryNotFound(f"{name} does not name its row fields as row[0] AS i, ...")
    return tuple(fields[k] for k in range(len(fields)))


def names() -> list[str]:
    """Every query name that has a shared file or an override."""
    found: set[str] = set()

    def walk(node: Traversable, prefix: str) -> None:
        for child in node.iterdir():
            if child.is_dir() and not child.name.startswith(("_", ".")):
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith(".cypher"):
                stem = child.name.removesuffix(".cypher")
                for dialect in DIALECTS:
                    stem = stem.removesuffix(f".{dialect}")
                found.add(prefix + stem)

    walk(_root(), "")
    return sorted(found)


def texts_for(dialect: str) -> dict[str, str]:
    """Every query as ``dialect`` would run it: what the Cypher linter checks."""
    return {name: load(name, dialect) for name in names()}
