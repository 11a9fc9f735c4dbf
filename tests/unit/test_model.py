"""The model module is the one place names are spelled; the schema follows from it."""

from __future__ import annotations

from refnet.graph import model, schema
from refnet.loaders import canonical


def test_names_are_unique() -> None:
    labels = [n.label for n in model.NODES]
    types = [r.type for r in model.RELATIONSHIPS]
    assert len(labels) == len(set(labels))
    assert len(types) == len(set(types))


def test_every_key_is_a_property_and_every_loaded_element_records_its_load() -> None:
    for node in model.NODES:
        assert set(node.key) <= set(node.properties)
        if node not in (model.LOAD_RUN, model.API_KEY):  # not loaded from exports
            assert "load_id" in node.properties
    for rel in model.RELATIONSHIPS:
        assert "load_id" in rel.properties


def test_every_node_key_has_a_uniqueness_constraint() -> None:
    assert {(k.label, k.properties) for k in schema.UNIQUE_KEYS} == {
        (n.label, n.key) for n in model.NODES
    }


def test_neo4j_schema_statements_are_idempotent_and_composite_keys_are_grouped() -> None:
    statements = schema.statements("neo4j")
    assert all("IF NOT EXISTS" in s for s in statements)
    assert any("REQUIRE (n.platform, n.id) IS UNIQUE" in s for s in statements)


def test_canonical_files_are_unique_and_ordered_nodes_first() -> None:
    names = [f.filename for f in canonical.FILES]
    assert len(names) == len(set(names))
    assert names.index("members.csv") < names.index("trust.csv") < names.index("purchases.csv")
    assert canonical.by_name("trust").header == ["src_id", "dst_id", "weight", "since", "source"]
