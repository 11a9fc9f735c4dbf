"""Every .cypher file: resolvable by name in both dialects, model names only, parameters only."""

from __future__ import annotations

import re

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


def _code(text: str) -> str:
    """The query without its // comments."""
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())
