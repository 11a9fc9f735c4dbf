"""The answers' GraphQL types follow the API's naming rules: money by name (never a
rank), named numbers with their money, and null, not None, in descriptions."""

from __future__ import annotations

from graphql import GraphQLNonNull, GraphQLObjectType, print_schema

from refnet.api.answers import NamedNumber, to_graph
from refnet.api.names import is_money
from refnet.api.schema import schema


def _field_type(type_name: str, field: str) -> str:
    t = schema.graphql_schema.type_map[type_name]
    assert isinstance(t, GraphQLObjectType)
    gql = t.fields[field].type
    return str(gql.of_type if isinstance(gql, GraphQLNonNull) else gql)


def test_ranks_are_never_money() -> None:
    assert not is_money("gmv_rank") and not is_money("reach_rank")
    assert is_money("gmv") and is_money("gmv_prev") and is_money("entry_gmv")
    assert _field_type("RankedMember", "gmvRank") == "Int"
    assert _field_type("RankedMember", "gmv") == "Money"
    assert to_graph(7, "gmv_rank") == 7


def test_named_numbers_carry_money_by_the_same_rule() -> None:
    numbers = to_graph({"gmv": 123_456, "entry_gmv": 5, "share": 0.25, "members": 30,
                        "gmv_rank": 2, "big": 2**53})
    by_name: dict[str, NamedNumber] = {n.name: n for n in numbers}
    assert by_name["gmv"].money.minor == 123_456 and by_name["gmv"].money.amount == "1234.56"
    assert by_name["entry_gmv"].money.amount == "0.05"
    assert all(by_name[n].money is None for n in ("share", "members", "gmv_rank", "big"))
    assert by_name["members"].value == 30 and isinstance(by_name["members"].value, int)
    assert by_name["big"].value == 2**53  # integral values go out exact, not via float()
    assert by_name["share"].value == 0.25


def test_descriptions_say_null_where_python_said_none() -> None:
    sdl = print_schema(schema.graphql_schema)
    assert "None" not in sdl
    assert "null if none" in sdl  # RankedMember.gmvRank's comment said "None if none"
