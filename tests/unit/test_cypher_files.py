"""Every .cypher file: resolvable by name in both dialects, model names only, parameters only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from refnet.graph import cypher, errors, model

NAMES = cypher.names()
# (:Label ...) or (x:Label) and [:TYPE] or [x:TYPE]; multi-label alternations split on |
LABEL = re.compile(r"\(\s*\w*\s*:\s*([A-Za-z_|]+)")
REL_TYPE = re.compile(r"\[\s*\w*\s*:\s*([A-Za-z_|]+)")
# str.format / %-style / f-string holes; a Cypher map always has a colon inside its braces
FORMAT_HOLE = re.compile(r"\{\s*[A-Za-z_]\w*\s*\}|%s|%\(\w+\)s|\{\d*\}")


def test_there_are_queries() -> None:
    assert "network/counts" in NAMES
    assert "load/members" in NAMES


@pytest.mark.parametrize("dialect", cypher.DIALECTS)
@pytest.mark.parametrize("name", NAMES)
def test_every_name_resolves_in_every_dialect(name: str, dialect: str) -> None:
    assert cypher.load(name, dialect).strip()


@pytest.mark.parametrize("name", NAMES)
def test_only_model_labels_and_types(name: str) -> None:
    for dialect in cypher.DIALECTS:
        text = _code(cypher.load(name, dialect))
        labels = {part for m in LABEL.findall(text) for part in m.split("|")}
        types = {part for m in REL_TYPE.findall(text) for part in m.split("|")}
        assert labels <= model.LABELS, f"{name}: unknown labels {labels - model.LABELS}"
        known = {r.type for r in model.RELATIONSHIPS}
        assert types <= known, f"{name}: unknown relationship types {types - known}"


@pytest.mark.parametrize("name", NAMES)
def test_parameters_only_no_formatting_holes(name: str) -> None:
    for dialect in cypher.DIALECTS:
        text = _code(cypher.load(name, dialect))
        assert not FORMAT_HOLE.search(text), f"{name} has a text-formatting hole"


def test_overrides_win_over_the_shared_file() -> None:
    assert "IN TRANSACTIONS" in cypher.load("admin/clear", "neo4j")
    assert "LIMIT $batch" in cypher.load("admin/clear", "falkordb")


@pytest.mark.parametrize("bad", ["../secrets", "Network/counts", "network/", "a b", "x.cypher"])
def test_bad_names_fail_loudly(bad: str) -> None:
    with pytest.raises(errors.QueryNotFound):
        cypher.load(bad, "falkordb")


def test_unknown_dialect_fails() -> None:
    with pytest.raises(errors.QueryNotFound):
        cypher.load("network/counts", "postgres")


PACKAGE = Path(cypher.__file__).resolve().parent.parent
SOURCES = {path: path.read_text(encoding="utf-8")
           for folder in ("graph", "loaders", "queries", "api", "tests/oracle")
           for path in (PACKAGE / folder).rglob("*.py")}


@pytest.mark.parametrize("name", NAMES)
def test_every_name_is_written_out_where_it_is_sent(name: str) -> None:
    """``git grep 'load/members_new'`` finds the code that sends it: no name is built
    from pieces (an f-string or a prefix plus a step), and no file lies unused."""
    quoted = f'"{name}"'
    assert any(quoted in text for text in SOURCES.values()), (
        f"no source file spells out {quoted}: send it by its whole name, or delete the file")


def test_no_name_is_assembled_from_strings() -> None:
    areas = "|".join(sorted({name.split("/")[0] for name in NAMES}))
    built = re.compile(rf"""f["'](?:{areas})/[^"']*\{{|["'](?:{areas})/["']\s*\+""")
    found = [f"{path.relative_to(PACKAGE)}: {m.group(0)}"
             for path, text in SOURCES.items() for m in built.finditer(text)]
    assert not found, found


def test_each_root_holds_the_cypher_of_its_own_layer() -> None:
    """Questions' Cypher under queries/, the loader's under loaders/, the API's and the web
    app's under api/, the stores' under graph/; a name two roots define is refused (see
    cypher.names)."""
    where = {name: next(root for root in (*cypher.ROOTS, "tests.oracle")
                        if _has(root, name)) for name in NAMES}
    assert {n for n, r in where.items() if r == "refnet.loaders"} == {
        n for n in NAMES if n.startswith("load/")}
    assert {n for n, r in where.items() if r == "refnet.api"} == {
        n for n in NAMES if n.startswith(("schema/", "keys/", "web/", "casefile/"))}
    assert {n for n, r in where.items() if r == "refnet.graph"} == {
        "admin/clear", "admin/components", "admin/gds"}


def test_a_name_defined_twice_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    from importlib.resources.abc import Traversable

    twins = [tmp_path / "a", tmp_path / "b"]
    for root in twins:
        (root / "area").mkdir(parents=True)
        (root / "area" / "same.cypher").write_text("RETURN 1", encoding="utf-8")
    roots: list[Traversable] = list(twins)  # Path is a Traversable
    monkeypatch.setattr(cypher, "ROOTS", ("one", "two"))
    monkeypatch.setattr(cypher, "_added", [])
    monkeypatch.setattr(cypher, "_roots", lambda: roots)
    cypher.names.cache_clear()
    try:
        with pytest.raises(errors.QueryNotFound, match="area/same"):
            cypher.names()
    finally:
        cypher.names.cache_clear()


def _has(root: str, name: str) -> bool:
    from importlib import resources

    node = resources.files(root)
    *folders, stem = name.split("/")
    for folder in folders:
        node = node / folder
    return any((node / f"{stem}{s}").is_file()
               for s in (".cypher", ".falkordb.cypher", ".neo4j.cypher"))


def _code(text: str) -> str:
    """The query without its // comments."""
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())
