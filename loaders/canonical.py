"""The canonical export format: one CSV file per entity, the shape refnet loads natively.

``refnet generate`` writes these files and every platform profile maps onto them, so
this module is the single description of their columns. Encoding is UTF-8, the first
row is the header, times are ISO-8601 in UTC (``2025-03-01T08:15:00Z``), money is an
integer in minor units (fen), booleans are ``true``/``false``, an empty cell is null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from refnet.graph import times

__all__ = ["FILES", "CanonicalFile", "Column", "by_name", "format_time", "parse_value"]

Kind = Literal["id", "str", "int", "money", "time", "weight", "bool"]


@dataclass(frozen=True)
class Column:
    """One column: its header, how its text is read, and whether a row needs it."""

    name: str
    kind: Kind
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class CanonicalFile:
    """One entity's file: its name on disk and its columns in order."""

    entity: str
    filename: str
    columns: tuple[Column, ...]
    doc: str

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


MEMBERS: Final = CanonicalFile(
    "members", "members.csv",
    (
        Column("member_id", "id", True, "the member's id, unique across the network"),
        Column("referrer_id", "id", False, "who recruited them; empty for an organization's root"),
        Column("platform", "str", False, "where they joined (taobao, pdd, jd, youzan, wechat)"),
        Column("joined_at", "time", False, "when they joined; also the referral's time"),
        Column("status", "str", False, "active, inactive or banned"),
        Column("tier", "str", False, "the organization's level name (e.g. member, vip, leader)"),
        Column("left_at", "time", False, "when the member formally left the organization; "
                                         "empty while a member"),
    ),
    "Members and their referrer: the referral forest.",
)
ACCOUNTS: Final = CanonicalFile(
    "accounts", "accounts.csv",
    (
        Column("member_id", "id", True, "the owning member"),
        Column("platform", "str", True, "taobao, pdd, jd, youzan"),
        Column("account_id", "id", True, "relation_id, p_id, positionId, seller id, ..."),
    ),
    "Platform accounts: orders attribute to a member through these.",
)
TRUST: Final = CanonicalFile(
    "trust", "trust.csv",
    (
        Column("src_id", "id", True, "the member who trusts"),
        Column("dst_id", "id", True, "the member trusted"),
        Column("weight", "weight", True, "trust strength in 0..1"),
        Column("since", "time", False, "when the tie formed"),
        Column("source", "str", False, "referral, purchase, group, contact"),
    ),
    "Directed trust edges between members.",
)
PRODUCTS: Final = CanonicalFile(
    "products", "products.csv",
    (
        Column("product_id", "id", True, "the product's id"),
        Column("name", "str", False, "display name"),
        Column("category", "str", False, "category name"),
        Column("price", "money", False, "list price in minor units"),
        Column("entry_package", "bool", False, "true for a pack bought to become a member"),
    ),
    "Products sold or shared.",
)
SHARES: Final = CanonicalFile(
    "shares", "shares.csv",
    (
        Column("share_id", "id", True, "the share's id"),
        Column("promoter_id", "id", True, "the member who shared"),
        Column("product_id", "id", True, "the product shared"),
        Column("at", "time", True, "when it was shared"),
        Column("channel", "str", False, "wechat_group, moments, private, ..."),
    ),
    "Product links shared by promoters.",
)
CLICKS: Final = CanonicalFile(
    "clicks", "clicks.csv",
    (
        Column("viewer_id", "id", True, "the member who clicked"),
        Column("share_id", "id", True, "the share clicked"),
        Column("at", "time", True, "when"),
    ),
    "Clicks on shares by members.",
)
PURCHASES: Final = CanonicalFile(
    "purchases", "purchases.csv",
    (
        Column("order_id", "id", True, "the platform's order id"),
        Column("buyer_id", "id", False, "the buying member; empty for an outside buyer"),
        Column("product_id", "id", True, "the product bought"),
        Column("promoter_id", "id", False, "the member the order is attributed to"),
        Column("share_id", "id", False, "the share the order came through"),
        Column("at", "time", True, "when it was paid"),
        Column("amount", "money", True, "paid amount in minor units"),
        Column("commission", "money", False, "commission in minor units"),
        Column("status", "str", False, "paid, settled, refunded or invalid"),
    ),
    "Orders with their buyer, product, promoter and share.",
)

# Load order matters: endpoints before the edges that join them.
FILES: Final[tuple[CanonicalFile, ...]] = (
    MEMBERS, ACCOUNTS, PRODUCTS, TRUST, SHARES, CLICKS, PURCHASES,
)


def by_name(entity: str) -> CanonicalFile:
    """The canonical file for an entity name (``members``, ``trust``, ...)."""
    for f in FILES:
        if f.entity == entity:
            return f
    raise KeyError(f"no canonical file for entity {entity!r}; known: {[f.entity for f in FILES]}")


_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})


parse_time = times.parse_iso  # ISO-8601 text to epoch ms; no offset means UTC
format_time = times.iso_z  # epoch ms to the canonical ``2025-03-01T08:15:00Z`` form


def parse_value(column: Column, text: str | None) -> Any:
    """One cell's text to its graph value; raises ValueError with a reason a person can act on."""
    text = (text or "").strip()
    if not text:
        if column.required:
            raise ValueError(f"{column.name} is required")
        return None
    match column.kind:
        case "id" | "str":
            return text
        case "int" | "money":
            try:
                return int(text)
            except ValueError:
                raise ValueError(f"{column.name} must be an integer, got {text!r}") from None
        case "time":
            try:
                return parse_time(text)
            except ValueError:
                raise ValueError(f"{column.name} is not an ISO-8601 time: {text!r}") from None
        case "weight":
            try:
                weight = float(text)
            except ValueError:
                raise ValueError(f"{column.name} must be a number, got {text!r}") from None
            if not 0.0 <= weight <= 1.0:
                raise ValueError(f"{column.name} must be within 0..1, got {text}")
            return weight
        case "bool":
            lowered = text.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError(f"{column.name} must be true or false, got {text!r}")
    raise AssertionError(f"unhandled kind {column.kind}")
