"""Members, their ties and their purchases: the graph of record, page by page.

``MemberQueries`` holds ``me``, ``member`` and ``members``; the types a member leads
to (trust edges, purchases, products) live here too, since they are only reached
through a member. Every read checks the caller's scope (``info.context.scope``) and
runs a named query from this folder (``schema/...``); the members a request has read
are kept on the context, so a page's referrers cost one query, not one each.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import graphene
from graphene import relay

from refnet.graph.errors import NotFound
from refnet.graph.text import shown

from ..answers import iso
from ..keys import ApiKey
from ..money import Money
from .context import Context
from .paging import connection, decode_cursor, encode_cursor, enum_value, page_size

__all__ = ["Me", "Member", "MemberConnection", "MemberOrder", "MemberQueries", "Role",
           "load_members", "visible_member"]


class Role(graphene.Enum):
    """What a key may do."""

    ADMIN = "admin"
    COMPLIANCE = "compliance"
    ORGANIZER = "organizer"

    @property
    def description(self) -> str:
        return {
            "admin": "Everything, including loads and recomputation.",
            "compliance": "Reads everything.",
            "organizer": "Reads one member's downline and nothing else.",
        }[self.value]


class Me(graphene.ObjectType):
    """The API key making this request."""

    key_id = graphene.String(required=True, description="The key's public id.")
    role = graphene.Field(Role, required=True, description="The key's role.")
    member_id = graphene.ID(description="For an organizer key, the member it is bound to.")
    scope = graphene.String(required=True,
                            description="What the key sees: 'everything' or 'downline of M'.")
    name = graphene.String(description="The note given when the key was made.")


def load_members(ctx: Context, ids: Iterable[str]) -> dict[str, Member]:
    """Members by id, as API objects: those this request has not read yet in one query,
    and with them their referrers, which a page's ``referrer`` fields ask for next."""
    wanted = list(dict.fromkeys(ids))
    _fetch(ctx, wanted)
    _fetch(ctx, [m.referrer_id for i in wanted if (m := ctx.members.get(i)) is not None
                 and m.referrer_id is not None and ctx.scope.allows(m.referrer_id)])
    return {i: ctx.members[i] for i in wanted if i in ctx.members}


def _fetch(ctx: Context, ids: list[str]) -> None:
    missing = [i for i in dict.fromkeys(ids) if i not in ctx.members]
    if missing:
        for row in ctx.store.run("schema/members_by_id", {"ids": missing}).records():
            ctx.members[row["id"]] = Member.from_row(row)


def visible_member(ctx: Context, member_id: str) -> Member:
    """The member if the caller may see it: FORBIDDEN before NOT_FOUND, so scope leaks nothing."""
    ctx.scope.check(member_id)
    found = load_members(ctx, [member_id]).get(member_id)
    if found is None:
        raise NotFound(f"no member {shown(member_id)}")
    return found


class TrustEdge(graphene.ObjectType):
    """A directed trust tie between two members (weight 0..1)."""

    member = graphene.Field(lambda: Member, required=True,
                            description="The member at the other end of the tie.")
    weight = graphene.Float(required=True, description="Trust strength, 0..1.")
    since = graphene.String(description="When the tie formed (ISO-8601).")
    source = graphene.String(description="Where the tie comes from: referral, purchase, "
                                         "group or contact.")


class Product(graphene.ObjectType):
    """Something sold."""

    id = graphene.ID(required=True, description="The product's id.")
    name = graphene.String(description="Display name.")
    entry_package = graphene.Boolean(required=True,
                                     description="A pack bought to become a member.")


class Purchase(graphene.ObjectType):
    """One order line."""

    id = graphene.ID(required=True, description="The platform's order id.")
    at = graphene.String(required=True, description="When it was paid (ISO-8601).")
    amount = graphene.Field(Money, required=True, description="Paid amount.")
    commission = graphene.Field(Money, description="Commission on the order.")
    status = graphene.String(required=True, description="paid, settled, refunded or invalid.")
    product = graphene.Field(Product, description="What was bought.")
    promoter_id = graphene.ID(description="The member the order is attributed to, when the "
                                          "caller may see that member.")


class PurchaseConnection(relay.Connection):
    """A page of purchases, newest first."""

    class Meta:
        node = Purchase


class Member(graphene.ObjectType):
    """A person in an organization's referral forest."""

    id = graphene.ID(required=True, description="The member's id.")
    platform = graphene.String(description="Where they joined (taobao, pdd, jd, ...).")
    joined_at = graphene.String(description="When they joined (ISO-8601).")
    status = graphene.String(description="active, inactive, banned, or stub (made by a load "
                                         "for an account no member claims).")
    tier = graphene.String(description="The organization's level name.")
    recruits = graphene.Int(required=True, description="How many members they recruited.")
    referrer = graphene.Field(lambda: Member, description="Who recruited them: null for a "
                              "root, or when the referrer is outside the caller's scope.")
    children = graphene.Field(lambda: MemberConnection, required=True,
                              first=graphene.Int(required=True, description="Page size."),
                              after=graphene.String(description="An endCursor from before."),
                              description="Their direct recruits, by id.")
    upline = graphene.List(graphene.NonNull(lambda: Member), required=True,
                           description="The chain of referrers from the root down to this "
                                       "member, cut where the caller's scope begins.")
    trusts = graphene.List(graphene.NonNull(TrustEdge), required=True,
                           description="Whom they trust (inside the caller's scope).")
    trusted_by = graphene.List(graphene.NonNull(TrustEdge), required=True,
                               description="Who trusts them (inside the caller's scope).")
    purchases = graphene.Field(PurchaseConnection, required=True,
                               first=graphene.Int(required=True, description="Page size."),
                               after=graphene.String(description="An endCursor from before."),
                               description="What they bought themselves, newest first.")

    referrer_id: str | None = None

    @staticmethod
    def from_row(row: dict[str, Any]) -> Member:
        m = Member(id=row["id"], platform=row["platform"], joined_at=iso(row["joined_at"]),
                   status=row["status"], tier=row["tier"], recruits=int(row["recruits"] or 0))
        m.referrer_id = row["referrer_id"]
        return m

    @staticmethod
    def resolve_referrer(parent: Member, info: Any) -> Member | None:
        ctx: Context = info.context
        if parent.referrer_id is None or not ctx.scope.allows(parent.referrer_id):
            return None
        return load_members(ctx, [parent.referrer_id]).get(parent.referrer_id)

    @staticmethod
    def resolve_children(parent: Member, info: Any, first: int,
                         after: str | None = None) -> MemberConnection:
        ctx: Context = info.context
        first = page_size(first)
        [after_id] = decode_cursor(after, 1) or [None]
        children = [Member.from_row(r) for r in ctx.store.run("schema/children", {
            "id": parent.id, "after_id": after_id, "limit": first + 1}).records()]
        for child in children:  # their referrer, ``parent``, is read already
            ctx.members.setdefault(child.id, child)
        return connection(MemberConnection, children, first,
                          node=lambda m: m, cursor=lambda m: encode_cursor(m.id))

    @staticmethod
    def resolve_upline(parent: Member, info: Any) -> list[Member]:
        ctx: Context = info.context
        chain = ctx.store.run("downline/upline", {"id": parent.id}).scalar() or [parent.id]
        chain = list(reversed(chain))  # root first
        if ctx.scope.root is not None and ctx.scope.root in chain:
            chain = chain[chain.index(ctx.scope.root):]
        found = load_members(ctx, chain)
        return [found[i] for i in chain if i in found]

    @staticmethod
    def resolve_trusts(parent: Member, info: Any) -> list[TrustEdge]:
        return _trust(info.context, parent.id, "trusts")

    @staticmethod
    def resolve_trusted_by(parent: Member, info: Any) -> list[TrustEdge]:
        return _trust(info.context, parent.id, "trusted_by")

    @staticmethod
    def resolve_purchases(parent: Member, info: Any, first: int,
                          after: str | None = None) -> PurchaseConnection:
        ctx: Context = info.context
        first = page_size(first)
        after_at, after_id = decode_cursor(after, 2) or [None, None]
        rows = ctx.store.run("schema/purchases", {
            "id": parent.id, "after_at": after_at, "after_id": after_id,
            "limit": first + 1}).records()
        return connection(PurchaseConnection, rows, first, node=lambda r: _purchase(ctx, r),
                          cursor=lambda r: encode_cursor(r["at"], r["id"]))


class MemberConnection(relay.Connection):
    """A page of members."""

    class Meta:
        node = Member


def _trust(ctx: Context, member_id: str, direction: str) -> list[TrustEdge]:
    row = ctx.store.run("schema/trust", {"id": member_id}).single()
    ties = [t for t in row[direction] if ctx.scope.allows(t["other"])]
    found = load_members(ctx, [t["other"] for t in ties])
    return [TrustEdge(member=found[t["other"]], weight=float(t["weight"]),
                      since=iso(t["since"]), source=t["source"])
            for t in ties if t["other"] in found]


def _purchase(ctx: Context, row: dict[str, Any]) -> Purchase:
    promoter = row["promoter_id"]
    return Purchase(
        id=row["id"], at=iso(row["at"]), amount=Money.of(row["amount"]),
        commission=Money.of(row["commission"]), status=row["status"],
        product=Product(id=row["product_id"], name=row["product_name"],
                        entry_package=bool(row["entry_package"]))
        if row["product_id"] is not None else None,
        promoter_id=promoter if ctx.scope.allows(promoter) else None,
    )


class MemberOrder(graphene.Enum):
    """How a members list is ordered."""

    ID = "id"
    JOINED_AT = "joined_at"

    @property
    def description(self) -> str:
        return {"id": "By id.", "joined_at": "By join time, oldest first (ties by id)."}[
            self.value]



class MemberQueries(graphene.ObjectType):
    """The root fields that read members: the caller, one member, a filtered page."""

    me = graphene.Field(Me, required=True, description="The key making this request.")
    member = graphene.Field(Member, id=graphene.ID(required=True, description="Member id."),
                            description="One member, if the caller's scope reaches it.")
    members = graphene.Field(
        MemberConnection, required=True,
        first=graphene.Int(required=True, description="Page size (at most 100)."),
        after=graphene.String(description="An endCursor from before."),
        platform=graphene.String(description="Only members who joined on this platform."),
        status=graphene.String(description="Only members with this status."),
        joined_after=graphene.String(description="Only members who joined after this "
                                                 "(ISO-8601)."),
        joined_before=graphene.String(description="Only members who joined at or before "
                                                  "this (ISO-8601)."),
        id_prefix=graphene.String(description="Only ids starting with this."),
        order_by=graphene.Argument(MemberOrder, default_value="id",
                                   description="The order of the list."),
        description="Members the caller may see, filtered and ordered (an organizer's key: "
                    "its downline).",
    )

    @staticmethod
    def resolve_me(_root: Any, info: Any) -> Me:
        key: ApiKey = info.context.key
        return Me(key_id=key.id, role=key.role, member_id=key.member_id, scope=key.scope,
                  name=key.name)

    @staticmethod
    def resolve_member(_root: Any, info: Any, id: str) -> Member:
        return visible_member(info.context, id)

    @staticmethod
    def resolve_members(_root: Any, info: Any, first: int, after: str | None = None,
                        platform: str | None = None, status: str | None = None,
                        joined_after: str | None = None, joined_before: str | None = None,
                        id_prefix: str | None = None, order_by: str = "id") -> MemberConnection:
        from refnet.queries.window import parse_instant

        ctx: Context = info.context
        first = page_size(first)
        after_t, after_id = decode_cursor(after, 2) or [None, None]
        params = {
            "platform": platform, "status": status, "prefix": id_prefix or None,
            "joined_after": parse_instant(joined_after) if joined_after else None,
            "joined_before": parse_instant(joined_before) if joined_before else None,
            "by_time": enum_value(order_by) == "joined_at", "after_t": after_t,
            "after_id": after_id, "limit": first + 1,
        }
        if ctx.scope.root is None:
            rows = ctx.store.run("schema/members", params).records()
        else:
            rows = ctx.store.run("schema/members_below",
                                 {**params, "root": ctx.scope.root}).records()
        found = load_members(ctx, [r["id"] for r in rows])
        rows = [r for r in rows if r["id"] in found]
        return connection(MemberConnection, rows, first, node=lambda r: found[r["id"]],
                          cursor=lambda r: encode_cursor(r["t"], r["id"]))
