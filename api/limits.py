"""What one GraphQL request may cost, checked before anything executes.

graphql-core and graphene leave almost every protection off, and graphql-server
parses with no token cap, so refnet sets them all here:

* the document's size in bytes, its token count (``parse(max_tokens=...)``) and its
  field selections, so a huge or repetitive document is refused before validation
  burns CPU on it (graphql-core's OverlappingFieldsCanBeMergedRule is quadratic in the
  fields of one selection set: 1,000 ``__typename`` took 1.6 s to validate here);
* validation rules added to graphql-core's specified rules (never replacing them):
  operations per document, aliases, selection depth (through fragments), and a cost
  bound in the style of GitHub's API — every connection field needs ``first`` or
  ``last`` of at most ``max_page``, and the nodes a query may touch (each connection's
  page size times the page sizes above it, plus each question field's own weight)
  must stay under ``max_nodes``;
* no introspection when the schema is served in production mode.

Every refusal is a ``GraphQLError`` with ``extensions.code = LIMIT_EXCEEDED`` (or
``BAD_USER_INPUT`` for a missing page size, ``FORBIDDEN`` for introspection in
production), raised or reported before execution. The codes are read from the error
classes (``graph/errors.py``), the one table from refusal to public code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    VariableNode,
    Visitor,
    get_named_type,
    parse,
    visit,
)
from graphql.error import GraphQLSyntaxError
from graphql.validation import ASTValidationRule, ValidationContext, specified_rules

from refnet.graph.errors import BadInput, Forbidden, LimitExceeded, RefnetError

__all__ = ["Limits", "document_rules", "limit_error", "parse_document", "request_errors",
           "request_rules", "validation_rules"]

LIMIT_EXCEEDED = LimitExceeded.api_code


@dataclass(frozen=True)
class Limits:
    """One request's caps; the defaults suit dashboards and keep 2 cores responsive."""

    max_bytes: int = 20_000
    max_tokens: int = 2_000
    max_selections: int = 300
    max_operations: int = 5
    max_aliases: int = 20
    max_depth: int = 10
    max_page: int = 100
    max_nodes: int = 10_000
    introspection: bool = True
    # "Type.field" -> nodes one selection of that field counts for (expensive questions)
    field_weights: Mapping[str, int] = field(default_factory=dict)


def limit_error(message: str, error: type[RefnetError] = LimitExceeded,
                **numbers: Any) -> GraphQLError:
    """A refusal before execution, coded as ``error`` would be if a resolver raised it."""
    return GraphQLError(message, extensions={"code": error.api_code, **numbers})


def parse_document(text: str | None, limits: Limits) -> DocumentNode:
    """Parse within the size and token caps; a syntax error stays a GraphQLError."""
    if not text:
        raise limit_error("the request has no query document", error=BadInput)
    size = len(text.encode("utf-8"))
    if size > limits.max_bytes:
        raise limit_error(f"the document is {size:,} bytes; at most {limits.max_bytes:,} "
                          "are accepted", limit=limits.max_bytes, actual=size)
    try:
        document = parse(text, max_tokens=limits.max_tokens)
    except GraphQLSyntaxError as e:
        if "tokens. Parsing aborted" in e.message:
            raise limit_error(f"the document has more than {limits.max_tokens:,} tokens",
                              limit=limits.max_tokens) from None
        raise
    selections = _count_fields(document)
    if selections > limits.max_selections:
        raise limit_error(f"the document selects {selections:,} fields; at most "
                          f"{limits.max_selections:,}", limit=limits.max_selections,
                          actual=selections)
    return document


def _count_fields(document: DocumentNode) -> int:
    """Field selections written in the document (fragments counted once, as written)."""
    counter = _FieldCounter()
    visit(document, counter)
    return counter.fields


class _FieldCounter(Visitor):
    fields = 0

    def enter_field(self, *_: Any) -> None:
        self.fields += 1


def document_rules(limits: Limits) -> tuple[type[ASTValidationRule], ...]:
    """The rules a document passes whatever its variables: graphql-core's specified
    rules, and no introspection in production. Their verdict can be cached per text."""
    rules: list[type[ASTValidationRule]] = [*specified_rules]
    if not limits.introspection:
        rules.append(_NoIntrospectionRule)
    return tuple(rules)


def request_rules(
    limits: Limits, variables: Mapping[str, Any] | None
) -> tuple[type[ASTValidationRule], ...]:
    """refnet's shape and cost rule, bound to this request (page sizes may be variables)."""
    return (type("RequestShapeRule", (_ShapeRule,),
                 {"limits": limits, "variables": dict(variables or {})}),)


def request_errors(schema: GraphQLSchema, document: DocumentNode, limits: Limits,
                   variables: Mapping[str, Any] | None) -> list[GraphQLError]:
    """What ``request_rules`` report, without graphql-core's visit of every node (the
    rule makes one walk of its own; the visit cost a millisecond per request)."""
    errors: list[GraphQLError] = []
    context = ValidationContext(schema, document, TypeInfo(schema), errors.append)
    for rule in request_rules(limits, variables):
        rule(context).enter_document(document)
    return errors


def validation_rules(
    limits: Limits, variables: Mapping[str, Any] | None
) -> tuple[type[ASTValidationRule], ...]:
    """Every rule a request must pass: the document's, then the request's."""
    return (*document_rules(limits), *request_rules(limits, variables))


class _NoIntrospectionRule(ASTValidationRule):
    """Production mode: ``__schema`` and ``__type`` are refused (``__typename`` is fine)."""

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            self.report_error(GraphQLError("introspection is disabled on this server",
                                           node, extensions={"code": Forbidden.api_code}))


class _ShapeRule(ASTValidationRule):
    """Counts operations, aliases, depth and nodes once per document, then reports."""

    limits: Limits
    variables: dict[str, Any]

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.fragments: dict[str, FragmentDefinitionNode] = {}

    def enter_document(self, node: DocumentNode, *_: Any) -> Any:
        limits = self.limits
        operations = [d for d in node.definitions if isinstance(d, OperationDefinitionNode)]
        self.fragments = {d.name.value: d for d in node.definitions
                          if isinstance(d, FragmentDefinitionNode)}
        if len(operations) > limits.max_operations:
            self.report_error(limit_error(
                f"{len(operations)} operations in one document; at most "
                f"{limits.max_operations}", limit=limits.max_operations))
            return self.BREAK
        schema = self.context.schema
        for op in operations:
            root = schema.get_root_type(op.operation)
            if root is None:
                continue  # the specified rules report it
            walk = _Walk(schema, self.fragments, self.variables, limits)
            walk.selection_set(root, op.selection_set, depth=1, multiplier=1)
            name = op.name.value if op.name else "the operation"
            for problem in walk.problems:
                self.report_error(problem)
            if walk.problems:
                continue
            if walk.aliases > limits.max_aliases:
                self.report_error(limit_error(
                    f"{name} uses {walk.aliases} aliases; at most {limits.max_aliases}",
                    limit=limits.max_aliases, actual=walk.aliases))
            if walk.depth > limits.max_depth:
                self.report_error(limit_error(
                    f"{name} is nested {walk.depth} levels deep; at most {limits.max_depth}",
                    limit=limits.max_depth, actual=walk.depth))
            if walk.nodes > limits.max_nodes:
                self.report_error(limit_error(
                    f"{name} may touch {walk.nodes:,} nodes; at most {limits.max_nodes:,} "
                    "(lower first/last or split the query)",
                    limit=limits.max_nodes, actual=walk.nodes))
        return self.BREAK


class _Walk:
    """One pass over an operation's selections, fragments inlined, with counters."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any], limits: Limits) -> None:
        self.schema, self.fragments, self.variables, self.limits = (
            schema, fragments, variables, limits)
        self.aliases = 0
        self.depth = 0
        self.nodes = 0
        self.problems: list[GraphQLError] = []
        self._spreading: set[str] = set()

    def selection_set(self, parent: Any, selections: SelectionSetNode | None, depth: int,
                      multiplier: int) -> None:
        if selections is None or depth > self.limits.max_depth + 1:
            self.depth = max(self.depth, depth)
            return
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                self.field(parent, selection, depth, multiplier)
            elif isinstance(selection, InlineFragmentNode):
                target = (self.schema.get_type(selection.type_condition.name.value)
                          if selection.type_condition else parent)
                self.selection_set(target, selection.selection_set, depth, multiplier)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in self._spreading:
                    continue  # unknown fragments and cycles: the specified rules report them
                self._spreading.add(name)
                target = self.schema.get_type(fragment.type_condition.name.value)
                self.selection_set(target, fragment.selection_set, depth, multiplier)
                self._spreading.discard(name)

    def field(self, parent: Any, node: FieldNode, depth: int, multiplier: int) -> None:
        self.depth = max(self.depth, depth)
        if node.alias is not None:
            self.aliases += 1
        name = node.name.value
        if name.startswith("__"):
            return
        fields = getattr(parent, "fields", None) or {}  # object and interface types
        definition = fields.get(name)
        if definition is None:
            return  # FieldsOnCorrectTypeRule reports it
        target = get_named_type(definition.type)
        weight = self.limits.field_weights.get(f"{parent.name}.{name}", 0)
        self.nodes += multiplier * weight
        if target.name.endswith("Connection"):
            page = self.page_size(node, f"{parent.name}.{name}")
            if page is None:
                return
            multiplier *= page
            self.nodes += multiplier
        self.selection_set(target, node.selection_set, depth + 1, multiplier)

    def page_size(self, node: FieldNode, where: str) -> int | None:
        """``first`` or ``last`` of a connection: required, at most ``max_page``."""
        values = []
        for argument in node.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                values.append(self.variables.get(value.name.value))
            elif isinstance(value, IntValueNode):
                values.append(int(value.value))
        given = [v for v in values if isinstance(v, int)]
        if not given:
            self.problems.append(GraphQLError(
                f"{where} is a connection: give first or last (at most "
                f"{self.limits.max_page})", node, extensions={"code": BadInput.api_code}))
            return None
        page = max(given)
        if page > self.limits.max_page or page < 0:
            self.problems.append(GraphQLError(
                f"{where}: first/last must be within 0..{self.limits.max_page}, got {page:,}",
                node, extensions={"code": LIMIT_EXCEEDED, "limit": self.limits.max_page}))
            return None
        return max(page, 1)
