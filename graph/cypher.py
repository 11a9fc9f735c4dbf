"""Cypher by name, from the .cypher files that sit beside the code that sends them.

Each of refnet's packages is a root (``ROOTS``): the questions' Cypher lives in their
packages (``queries/downline/groups.cypher`` is ``downline/groups``), the loader's in
``loaders/load/``, the API's in ``api/schema/`` and ``api/keys/``, the stores' in
``graph/admin/``. A name is the file's path under its root without the suffix, and
names are unique across roots: ``names()`` refuses a name that two roots define, so
``git grep`` on a name finds its one file. This module only reads files, so the store
never imports the code that sits on top of it.

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

__all__ = ["DIALECTS", "add_root", "load", "names", "row_columns", "texts_for"]

DIALECTS = ("falkordb", "neo4j")
_NAME = re.compile(r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*$")
_ROW_FIELD = re.compile(r"row\[(\d+)\]\s+AS\s+(\w+)")


ROOTS = ("refnet.queries", "refnet.loaders", "refnet.api", "refnet.graph")
_added: list[str] = []


def add_root(package: str) -> None:
    """Find queries under ``package`` too, after ``ROOTS``: the test suite's oracles
    (``tests.oracle``: the Cypher answers the analytic snapshot replaced) are sent
    through a store like any query, but are no part of the product."""
    if package not in _added:
        _added.append(package)
        load.cache_clear()
        row_columns.cache_clear()
        names.cache_clear()


def _all_roots() -> tuple[str, ...]:
    return (*ROOTS, *_added)


def _roots() -> list[Traversable]:
    return [resources.files(root) for root in _all_roots()]


@cache
def load(name: str, dialect: str) -> str:
    """The query text for ``name`` as the ``dialect`` backend should run it."""
    if dialect not in DIALECTS:
        raise QueryNotFound(f"unknown dialect {dialect!r}; expected one of {DIALECTS}")
    if not _NAME.match(name):
        raise QueryNotFound(f"bad query name {name!r}: use lower_case/segments")
    *folders, stem = name.split("/")
    for node in _roots():
        for folder in folders:
            node = node / folder
        for candidate in (f"{stem}.{dialect}.cypher", f"{stem}.cypher"):
            path = node / candidate
            if path.is_file():
                return path.read_text(encoding="utf-8")
    raise QueryNotFound(f"no query named {name!r} (looked for {name}.cypher under "
                        f"{', '.join(_all_roots())})")


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


@cache
def names() -> list[str]:
    """Every query name that has a shared file or an override.

    Raises ``QueryNotFound`` when two roots define the same name: which file ran would
    depend on the order of ``ROOTS``, and a reader could not tell.
    """
    owner: dict[str, str] = {}

    def walk(node: Traversable, prefix: str, root: str) -> None:
        for child in node.iterdir():
            if child.is_dir() and not child.name.startswith(("_", ".")):
                walk(child, f"{prefix}{child.name}/", root)
            elif child.name.endswith(".cypher"):
                stem = child.name.removesuffix(".cypher")
                for dialect in DIALECTS:
                    stem = stem.removesuffix(f".{dialect}")
                name = prefix + stem
                if owner.setdefault(name, root) != root:
                    raise QueryNotFound(f"query {name!r} is defined under both "
                                        f"{owner[name]} and {root}; rename one")

    for root, node in zip(_all_roots(), _roots(), strict=True):
        walk(node, "", root)
    return sorted(owner)


def texts_for(dialect: str) -> dict[str, str]:
    """Every query as ``dialect`` would run it: what the Cypher linter checks."""
    return {name: load(name, dialect) for name in names()}
