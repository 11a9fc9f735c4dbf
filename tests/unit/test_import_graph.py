"""No import cycles between refnet's modules.

A cycle works until someone imports the modules in the other order, then fails with
a half-initialised module (``api.loads`` once reached back into ``api.schema`` for
``Context``). The graph is read from the source with ``ast``, so every import counts:
at the top, inside functions, and under ``if TYPE_CHECKING:``.

The rules: ``from refnet.x import name`` imports module ``refnet.x.name`` when that is
a module, else ``refnet.x``; a package's ``__init__`` importing its own submodules is
fine (that is how packages are built), but a submodule importing its parent package
while the parent imports it is a cycle like any other. Importing ``refnet.x.y`` is not
counted as importing ``refnet.x`` too: Python runs the parent first, but the parent is
then already initialising, not half-way through an import of the child.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import refnet

PACKAGE = Path(refnet.__file__).resolve().parent
FOLDERS = ("graph", "loaders", "queries", "api")


def _modules() -> dict[str, tuple[Path, bool]]:
    """Module name -> (file, is a package's ``__init__``) for every refnet source file."""
    paths = [PACKAGE / "__init__.py",
             *(p for folder in FOLDERS for p in sorted((PACKAGE / folder).rglob("*.py")))]
    found = {}
    for path in paths:
        parts = ["refnet", *path.relative_to(PACKAGE).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _imported(node: ast.AST, module: str, is_package: bool,
              modules: dict[str, tuple[Path, bool]]) -> list[str]:
    """The dotted names one import statement reaches (refnet's or not)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = module if is_package else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            base = base.rpartition(".")[0]
        base = f"{base}.{node.module}" if node.module else base
    else:
        base = node.module or ""
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]


def imports_in(source: str, module: str, is_package: bool,
               modules: dict[str, tuple[Path, bool]]) -> set[str]:
    """The refnet modules one module's source imports, wherever the import sits."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        for name in _imported(node, module, is_package, modules):
            while name and name not in modules:  # refnet.x.y.attr -> refnet.x.y
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def import_graph() -> nx.DiGraph:
    """Which refnet module imports which (an edge importer -> imported)."""
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, (path, is_package) in modules.items():
        source = path.read_text(encoding="utf-8")
        graph.add_edges_from((module, name)
                             for name in imports_in(source, module, is_package, modules))
    return graph


def test_every_kind_of_import_is_an_edge() -> None:
    """Guards the reader itself: relative, absolute, in-function and TYPE_CHECKING-only
    imports all count; other packages' modules do not."""
    source = """
import json
from typing import TYPE_CHECKING
import refnet.queries.window as windows
from refnet.graph.errors import BadInput
from .. import money
from . import percent

if TYPE_CHECKING:
    from ..keys import ApiKey

def later():
    from refnet.graph import connect
"""
    assert imports_in(source, "refnet.api.render.downline", False, _modules()) == {
        "refnet.queries.window", "refnet.graph.errors", "refnet.api.money",
        "refnet.api.render", "refnet.api.keys", "refnet.graph.connect"}
    assert len(import_graph()) > 50


def test_no_module_imports_itself_back() -> None:
    cycles = sorted(" -> ".join([*c, c[0]]) for c in nx.simple_cycles(import_graph()))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_a_parent_package_imported_back_is_a_cycle() -> None:
    """The rule the docstring states, on a made-up package: ``pkg/__init__`` imports
    ``pkg.a`` and ``pkg.a`` reaches back for a name defined in ``pkg``."""
    modules = {"refnet.pkg": (Path("pkg/__init__.py"), True),
               "refnet.pkg.a": (Path("pkg/a.py"), False)}
    down = ast.parse("from . import a").body[0]
    up = ast.parse("from . import Context").body[0]
    assert _imported(down, "refnet.pkg", True, modules) == ["refnet.pkg.a"]
    assert _imported(up, "refnet.pkg.a", False, modules) == ["refnet.pkg"]
