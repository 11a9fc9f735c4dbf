"""Constraints and indexes, derived from the model so no key is spelled twice.

Every node key in the model table gets a uniqueness constraint (which also gives the
lookup index every ``MERGE`` needs); a few properties that questions filter or
range over get plain indexes. Each backend states them in its own dialect:
Neo4j with ``CREATE CONSTRAINT ... IF NOT EXISTS``, FalkorDB with an exact-match
index plus ``GRAPH.CONSTRAINT CREATE`` (it requires the index first).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import model

__all__ = [
    "INDEXES", "UNIQUE_KEYS", "Index", "UniqueKey", "falkordb_index", "index_targets", "statements",
]


@dataclass(frozen=True)
class UniqueKey:
    label: str
    properties: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.label.lower()}_{'_'.join(self.properties)}_unique"


@dataclass(frozen=True)
class Index:
    label: str
    property: str

    @property
    def name(self) -> str:
        return f"{self.label.lower()}_{self.property}"


UNIQUE_KEYS: tuple[UniqueKey, ...] = tuple(UniqueKey(n.label, n.key) for n in model.NODES)

# Range lookups the questions make ("as of", activity windows, filters).
INDEXES: tuple[Index, ...] = (
    Index(model.MEMBER.label, "joined_at"),
    Index(model.MEMBER.label, "status"),
    Index(model.PURCHASE.label, "at"),
    Index(model.SHARE.label, "at"),
    Index(model.ACCOUNT.label, "id"),
)


def _neo4j_key(key: UniqueKey) -> str:
    props = ", ".join(f"n.{p}" for p in key.properties)
    target = props if len(key.properties) == 1 else f"({props})"
    return (
        f"CREATE CONSTRAINT {key.name} IF NOT EXISTS "
        f"FOR (n:{key.label}) REQUIRE {target} IS UNIQUE"
    )


def _neo4j_index(index: Index) -> str:
    return (
        f"CREATE INDEX {index.name} IF NOT EXISTS "
        f"FOR (n:{index.label}) ON (n.{index.property})"
    )


def falkordb_index(label: str, prop: str) -> str:
    """FalkorDB's exact-match (range) index statement for one property."""
    return f"CREATE INDEX FOR (n:{label}) ON (n.{prop})"


def index_targets() -> list[tuple[str, str]]:
    """Every (label, property) FalkorDB indexes: each key property and each INDEXES entry."""
    props = {(k.label, p) for k in UNIQUE_KEYS for p in k.properties}
    props |= {(i.label, i.property) for i in INDEXES}
    return sorted(props)


def statements(dialect: str) -> list[str]:
    """The schema statements a backend runs, in order (labels come from the model only)."""
    if dialect == "neo4j":
        return [_neo4j_key(k) for k in UNIQUE_KEYS] + [_neo4j_index(i) for i in INDEXES]
    if dialect == "falkordb":
        return [falkordb_index(label, prop) for label, prop in index_targets()]
    raise ValueError(f"unknown dialect {dialect!r}")
