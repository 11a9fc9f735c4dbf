"""The graph model: every label, relationship type and property name refnet uses.

The names here are part of refnet's contract (see DESIGN.md, "The model"): queries,
loaders and the API spell them through this module and nowhere else, so a rename is
one edit and no name ever comes from user input.

Values crossing both backends follow three rules: ids are strings, time is epoch
milliseconds (int, UTC), money is integer minor units (fen or cents).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "ACCOUNT",
    "API_KEY",
    "ATTRIBUTED_TO",
    "CLICKED",
    "HAS_ACCOUNT",
    "LABELS",
    "LOAD_RUN",
    "MADE",
    "MEMBER",
    "MEMBER_STATUSES",
    "NODES",
    "OF",
    "PRODUCT",
    "PURCHASE",
    "PURCHASE_STATUSES",
    "REFERRED",
    "RELATIONSHIPS",
    "SHARE",
    "SHARED",
    "TRUSTS",
    "VIA",
    "NodeType",
    "RelType",
]


@dataclass(frozen=True)
class NodeType:
    """A node label with its natural key and the properties it carries."""

    label: str
    key: tuple[str, ...]
    properties: tuple[str, ...]
    doc: str


@dataclass(frozen=True)
class RelType:
    """A relationship type, the labels it joins and the properties it carries."""

    type: str
    start: str
    end: str
    properties: tuple[str, ...]
    doc: str


MEMBER: Final = NodeType(
    "Member",
    ("id",),
    ("id", "platform", "joined_at", "status", "tier", "left_at", "load_id"),
    "A person in an organization's referral forest; left_at: when they formally left it.",
)
ACCOUNT: Final = NodeType(
    "Account",
    ("platform", "id"),
    ("platform", "id", "load_id"),
    "A member's id on one platform (Taobao relation_id, Duoduo p_id, JD positionId, ...).",
)
PRODUCT: Final = NodeType(
    "Product",
    ("id",),
    ("id", "name", "category", "price", "entry_package", "load_id"),
    "Something sold; entry_package marks a pack bought to become a member.",
)
PURCHASE: Final = NodeType(
    "Purchase",
    ("id",),
    ("id", "at", "amount", "commission", "status", "load_id"),
    "One order line; id is the platform's order id.",
)
SHARE: Final = NodeType(
    "Share",
    ("id",),
    ("id", "at", "channel", "load_id"),
    "A promoter sharing a product link into a channel (WeChat group, moments, ...).",
)
LOAD_RUN: Final = NodeType(
    "LoadRun",
    ("id",),
    ("id", "source", "profile", "counts", "started_at", "finished_at", "status", "records",
     "error"),
    "One run of a loader: what it read and what it wrote, and how it ended.",
)
API_KEY: Final = NodeType(
    "ApiKey",
    ("id",),
    ("id", "hash", "role", "member_id", "name", "created_at", "revoked_at"),
    "An API key: its public id, the hash of its secret, its role and scope. Not network "
    "data: clearing the network keeps it.",
)

REFERRED: Final = RelType(
    "REFERRED", "Member", "Member", ("at", "source", "load_id"),
    "The referral forest: at most one inbound per member, never a cycle.",
)
TRUSTS: Final = RelType(
    "TRUSTS", "Member", "Member", ("weight", "since", "source", "load_id"),
    "Directed trust, weight in 0..1; one edge per (src, dst).",
)
HAS_ACCOUNT: Final = RelType(
    "HAS_ACCOUNT", "Member", "Account", ("load_id",), "A member owns a platform account.",
)
MADE: Final = RelType("MADE", "Member", "Purchase", ("load_id",), "The buyer of a purchase.")
OF: Final = RelType(
    "OF", "Purchase|Share", "Product", ("load_id",), "What was bought or shared.",
)
ATTRIBUTED_TO: Final = RelType(
    "ATTRIBUTED_TO", "Purchase", "Member", ("load_id",),
    "The promoter a purchase pays commission to (locked for life on most platforms).",
)
VIA: Final = RelType(
    "VIA", "Purchase", "Share", ("load_id",), "The share a purchase came through.",
)
SHARED: Final = RelType("SHARED", "Member", "Share", ("load_id",), "A promoter made a share.")
CLICKED: Final = RelType(
    "CLICKED", "Member", "Share", ("at", "load_id"), "A viewer clicked a share.",
)

NODES: Final[tuple[NodeType, ...]] = (
    MEMBER, ACCOUNT, PRODUCT, PURCHASE, SHARE, LOAD_RUN, API_KEY,
)
RELATIONSHIPS: Final[tuple[RelType, ...]] = (
    REFERRED, TRUSTS, HAS_ACCOUNT, MADE, OF, ATTRIBUTED_TO, VIA, SHARED, CLICKED,
)
LABELS: Final[frozenset[str]] = frozenset(n.label for n in NODES)

# Canonical status values a Member or Purchase may carry.
MEMBER_STATUSES: Final = ("active", "inactive", "banned")
PURCHASE_STATUSES: Final = ("paid", "settled", "refunded", "invalid")
