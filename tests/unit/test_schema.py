"""The GraphQL schema documents itself: every type, field and argument has a description."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType

from refnet.api.schema import schema


def _ours() -> list:
    return [t for name, t in schema.graphql_schema.type_map.items()
            if not name.startswith("__") and name not in ("String", "Int", "Float", "Boolean",
                                                          "ID")]


def test_every_type_field_and_argument_is_described() -> None:
    missing = []
    for t in _ours():
        if not t.description:
            missing.append(t.name)
        if isinstance(t, GraphQLObjectType | GraphQLInputObjectType):
            for name, f in t.fields.items():
                if not f.description:
                    missing.append(f"{t.name}.{name}")
                for arg_name, arg in getattr(f, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{t.name}.{name}({arg_name})")
        if isinstance(t, GraphQLEnumType):
            missing += [f"{t.name}.{v}" for v, value in t.values.items() if not value.description]
    assert not missing, f"undocumented: {missing}"


def test_the_contracts_query_fields_are_there() -> None:
    fields = set(schema.graphql_schema.query_type.fields)
    assert {"member", "members", "downline", "compliance", "influence", "conversion",
            "loadRuns", "me"} <= fields
    assert "recomputeInfluence" in schema.graphql_schema.mutation_type.fields
