"""Request limits on a small schema: every cap refuses a hostile document before execution."""

from __future__ import annotations

import graphene
import pytest
from graphql import GraphQLError, validate

from refnet.api.limits import Limits, parse_document, validation_rules


class Item(graphene.ObjectType):
    name = graphene.String()
    children = graphene.relay.ConnectionField(lambda: ItemConnection)


class ItemConnection(graphene.relay.Connection):
    class Meta:
        node = Item


class Query(graphene.ObjectType):
    item = graphene.Field(Item)
    items = graphene.relay.ConnectionField(ItemConnection)
    expensive = graphene.Int()


SCHEMA = graphene.Schema(query=Query).graphql_schema
LIMITS = Limits(max_depth=8, max_aliases=5, max_page=100, max_nodes=1_000,
                field_weights={"Query.expensive": 300})


def problems(text: str, variables: dict | None = None, limits: Limits = LIMITS) -> list[dict]:
    document = parse_document(text, limits)
    errors = validate(SCHEMA, document, validation_rules(limits, variables))
    return [{"message": e.message, **(e.extensions or {})} for e in errors]


def codes(text: str, variables: dict | None = None, limits: Limits = LIMITS) -> set[str]:
    return {p.get("code", "GRAPHQL_VALIDATION_FAILED") for p in problems(text, variables, limits)}


def test_a_reasonable_query_passes() -> None:
    assert problems("{ items(first: 10) { edges { node { name } } } item { name } }") == []


def test_connections_need_first_or_last_within_the_page_cap() -> None:
    assert codes("{ items { edges { node { name } } } }") == {"BAD_USER_INPUT"}
    assert codes("{ items(first: 100000) { edges { node { name } } } }") == {"LIMIT_EXCEEDED"}
    assert codes("query($n: Int) { items(first: $n) { edges { node { name } } } }",
                 {"n": 101}) == {"LIMIT_EXCEEDED"}
    assert codes("query($n: Int) { items(first: $n) { edges { node { name } } } }",
                 {"n": 100}) == set()


def test_nested_connections_multiply_their_pages() -> None:
    text = ("{ items(first: 100) { edges { node { children(first: %d) "
            "{ edges { node { name } } } } } } }")
    assert codes(text % 9) == set()  # 100 + 100 * 9 = 1,000 nodes
    [problem] = problems(text % 10)  # 100 + 100 * 10 = 1,100 nodes
    assert problem["code"] == "LIMIT_EXCEEDED" and problem["actual"] == 1_100


def test_expensive_fields_count_their_weight_per_alias() -> None:
    assert codes("{ a: expensive b: expensive c: expensive }") == set()  # 900
    assert codes("{ a: expensive b: expensive c: expensive d: expensive }") == {"LIMIT_EXCEEDED"}


def test_aliases_are_capped() -> None:
    text = "{ " + " ".join(f"a{i}: item {{ name }}" for i in range(6)) + " }"
    assert codes(text) == {"LIMIT_EXCEEDED"}


def test_depth_counts_through_fragments() -> None:
    deep = "{ item { " + "children(first: 1) { edges { node { " * 3 + "name" + " } } }" * 3 + " } }"
    assert codes(deep) == {"LIMIT_EXCEEDED"}
    fragmented = """
      { ...A }
      fragment A on Query { item { children(first: 1) { ...B } } }
      fragment B on ItemConnection { edges { node { children(first: 1) { ...C } } } }
      fragment C on ItemConnection { edges { node { name } } }
    """
    assert "LIMIT_EXCEEDED" in codes(fragmented)


def test_fragment_cycles_are_reported_by_graphql_core_not_looped_on() -> None:
    cyclic = ("{ item { ...A } } "
              "fragment A on Item { children(first: 1) { edges { node { ...A } } } }")
    assert codes(cyclic) == {"GRAPHQL_VALIDATION_FAILED"}


def test_operation_count_is_capped() -> None:
    text = " ".join(f"query q{i} {{ item {{ name }} }}" for i in range(6))
    assert codes(text) == {"LIMIT_EXCEEDED"}


def test_size_and_token_caps_refuse_before_validation() -> None:
    with pytest.raises(GraphQLError) as big:
        parse_document("{ item { name } }" + " " * 20_000, LIMITS)
    assert big.value.extensions["code"] == "LIMIT_EXCEEDED"
    many = "{ " + " ".join("__typename" for _ in range(3_000)) + " }"
    with pytest.raises(GraphQLError) as tokens:
        parse_document(many, Limits(max_bytes=1_000_000))
    assert tokens.value.extensions["code"] == "LIMIT_EXCEEDED"
    assert "tokens" in tokens.value.message


def test_repeated_fields_are_refused_before_the_quadratic_overlap_rule_runs() -> None:
    repeated = "{ " + " ".join("__typename" for _ in range(1_000)) + " }"
    with pytest.raises(GraphQLError) as fields:
        parse_document(repeated, LIMITS)
    assert fields.value.extensions["code"] == "LIMIT_EXCEEDED"
    assert fields.value.extensions["actual"] == 1_000
    assert parse_document("{ " + "__typename " * 300 + "}", LIMITS)


def test_introspection_is_refused_in_production_mode_only() -> None:
    text = "{ __schema { types { name } } }"
    assert codes(text) == set()
    assert codes(text, limits=Limits(introspection=False)) == {"FORBIDDEN"}
    assert codes("{ __typename }", limits=Limits(introspection=False)) == set()


def test_graphql_cores_own_rules_still_run() -> None:
    assert codes("{ nosuchfield }") == {"GRAPHQL_VALIDATION_FAILED"}
