"""The GraphQL schema (graphene 3): members, their edges and events, the four questions,
load history (``api.loads``), ``me``.

Resolvers are thin: they check the caller's scope (``info.context.scope``), run named
queries through the store and shape rows into types. Money is a ``Money`` object (a
decimal string in yuan beside the integer minor units); times are ISO-8601 strings
with their offset. Lists are Relay connections whose ``first`` is required and capped
by ``api.limits``. The SDL is committed as ``api/schema.graphql``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphene
from graphene import relay

from refnet.graph.config import Config
from refnet.graph.errors import BadInput, NotFound
from refnet.graph.store import GraphStore
from refnet.queries import compliance as compliance_q
from refnet.queries import conversion as conversion_q
from refnet.queries import downline as downline_q
from refnet.queries import influence as influence_q
from refnet.queries import window as windows
from refnet.queries.compliance import policy as policy_q
from refnet.queries.influence import projection

from ..answers import graphene_type, iso, to_graph
from ..keys import ApiKey
from ..loads import LoadRun, StartLoad, load_run
from ..money import Money
from ..scope import Scope

__all__ = ["Context", "schema"]



@dataclass
class Context:
    """What every resolver gets as ``info.context``: the store, the caller, and the
    members this request has read (so a page's referrers cost one query, not one each).
    ``config`` and ``import_dir`` are what ``startLoad`` needs to start a load."""

    store: GraphStore
    key: ApiKey
    scope: Scope
    config: Config | None = None
    import_dir: Path | None = None
    members: dict[str, Member] = field(default_factory=dict)


# -- scalars and small types -----------------------------------------------------------------


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


# -- cursors ---------------------------------------------------------------------------------


def enum_value(choice: Any) -> Any:
    """graphene 3 hands resolvers the Enum member; the questions take its value."""
    return getattr(choice, "value", choice)


def encode_cursor(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode()


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    """The parts of an opaque cursor; a tampered one is the caller's error."""
    if cursor is None:
        return None
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        parts = None
    if not isinstance(parts, list) or len(parts) != arity:
        raise BadInput(f"bad cursor {cursor!r}: pass back an endCursor this API gave")
    return parts


def page_size(first: int) -> int:
    if first is None or first < 0:
        raise BadInput("first must be zero or more")
    return first


def connection(conn: type[relay.Connection], rows: list[Any], first: int,
               node: Callable[[Any], Any], cursor: Callable[[Any], str]) -> relay.Connection:
    """A Relay connection from up to ``first + 1`` rows (the extra one says "more")."""
    has_next = len(rows) > first
    rows = rows[:first]
    edges = [conn.Edge(node=node(r), cursor=cursor(r)) for r in rows]
    return conn(edges=edges, page_info=relay.PageInfo(
        has_next_page=has_next, has_previous_page=False,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    ))


# -- members -----------------------------------------------------------------------------------


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
        raise NotFound(f"no member {member_id!r}")
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


# -- the four questions -----------------------------------------------------------------------


def _window(ctx: Context, as_of: str | None, days: int, since: str | None = None
            ) -> windows.Window:
    if not 1 <= days <= 3650:
        raise BadInput(f"days must be within 1..3650, got {days}")
    return windows.resolve(
        ctx.store,
        as_of=windows.parse_instant(as_of) if as_of else None, days=days,
        since=windows.parse_instant(since, end_of_day=False) if since else None,
        latest=windows.remembered_latest)


class SeedMethod(graphene.Enum):
    """How influence maximisation chooses seeds."""

    IMM = "imm"
    CELF = "celf"

    @property
    def description(self) -> str:
        return {"imm": "Reverse-reachable sets with the IMM bound (any size).",
                "celf": "CELF greedy with Monte-Carlo (the reference; small networks)."}[
            self.value]


class ConversionSplit(graphene.Enum):
    """What a conversion funnel is split by."""

    TRUST = "trust"
    LEVEL = "level"
    CHANNEL = "channel"
    PROMOTER = "promoter"

    @property
    def description(self) -> str:
        return {"trust": "The clicker's trust in the promoter at the click.",
                "level": "The promoter's depth in its referral tree.",
                "channel": "The share's channel.",
                "promoter": "The promoter (the top N by GMV)."}[self.value]


class Influence(graphene.ObjectType):
    """Who moves buyers through trust: the ranking, and seeds when asked for."""

    ranking = graphene.Field(graphene.NonNull(graphene_type(influence_q.InfluenceRanking)),
                             description="Members by trust-weighted PageRank beside their "
                                         "attributed GMV.")
    seeds = graphene.Field(graphene_type(influence_q.InfluenceSeeds),
                           description="The seeds chosen under the independent cascade "
                                       "model; null unless seeds > 0 was asked.")


class RecomputeInfluence(graphene.Mutation):
    """Drop the cached trust projections and the remembered latest event, so the next
    answers read the graph afresh (after a write that did not go through refnet load)."""

    class Arguments:
        pass

    dropped = graphene.Int(required=True, description="Cached projections dropped.")

    @staticmethod
    def mutate(_root: Any, info: Any) -> RecomputeInfluence:
        ctx: Context = info.context
        ctx.scope.require("admin")
        windows.forget_latest()
        return RecomputeInfluence(dropped=projection.invalidate(ctx.store))


class Mutation(graphene.ObjectType):
    """Changes (admin keys only; over POST only)."""

    recompute_influence = RecomputeInfluence.Field(
        description="Drop the cached trust projections.")
    start_load = StartLoad.Field(description="Load export files in the background (from the "
                                             "server's import directory, or uploaded).")


# -- the root --------------------------------------------------------------------------------


class Query(graphene.ObjectType):
    """refnet's questions over the referral network."""

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
    downline = graphene.Field(
        graphene.NonNull(graphene_type(downline_q.DownlineHealth)),
        root_id=graphene.ID(required=True, description="The member whose downline to judge."),
        max_depth=graphene.Int(description="Levels below the root to include (1..100)."),
        as_of=graphene.String(description="Ignore everything after this (ISO-8601 or a "
                                          "date); default: the latest event stored."),
        active_days=graphene.Int(default_value=30, description="The activity window's "
                                                               "length in days."),
        top=graphene.Int(default_value=10, description="Branches to list."),
        description="Downline health: levels, branches, activity, churn, concentration.",
    )
    compliance = graphene.Field(
        graphene.NonNull(graphene_type(compliance_q.ComplianceReport)),
        policy=graphene.String(default_value="cn", description="A preset: cn or us-ftc."),
        root_id=graphene.ID(description="Only this member's downline (an organizer's key: "
                                        "its own member by default)."),
        as_of=graphene.String(description="Ignore everything after this."),
        days=graphene.Int(default_value=365, description="The window's length in days."),
        evidence=graphene.Int(default_value=5, description="Evidence chains per flag."),
        description="Pyramid-scheme signals judged by a policy, with evidence.",
    )
    influence = graphene.Field(
        graphene.NonNull(Influence),
        top=graphene.Int(default_value=20, description="Members to rank."),
        personalize=graphene.List(graphene.NonNull(graphene.ID),
                                  description="Personalized PageRank from these members."),
        seeds=graphene.Int(default_value=0, description="Seeds to choose (0: none)."),
        algorithm=graphene.Argument(SeedMethod, default_value="imm",
                                    description="How seeds are chosen."),
        as_of=graphene.String(description="Ignore everything after this."),
        days=graphene.Int(default_value=30, description="The GMV window's length in days."),
        root_id=graphene.ID(description="Only this member's downline: trust among its "
                                        "members and their revenue (an organizer's key: "
                                        "its own member by default)."),
        description="Who moves buyers through trust.",
    )
    conversion = graphene.Field(
        graphene.NonNull(graphene_type(conversion_q.ConversionReport)),
        promoter_id=graphene.ID(description="Only this promoter's shares."),
        since=graphene.String(description="The window's start; default: 90 days before "
                                          "until."),
        until=graphene.String(description="The window's end ('as of'); default: the latest "
                                          "event stored."),
        group_by=graphene.Argument(ConversionSplit, default_value="trust",
                                   description="What the funnel is split by."),
        top=graphene.Int(default_value=20, description="Promoters to list."),
        root_id=graphene.ID(description="Only the shares of this member's downline, and the "
                                        "clicks and purchases through them (an organizer's "
                                        "key: its own member by default)."),
        description="Shares → clicks → purchases.",
    )
    load_run = graphene.Field(LoadRun, id=graphene.ID(required=True, description="Load id."),
                              description="One load run, e.g. one started by startLoad "
                                          "(admin and compliance keys).")
    load_runs = graphene.List(graphene.NonNull(LoadRun), required=True,
                              last=graphene.Int(default_value=20,
                                                description="How many, newest first."),
                              description="The history of loads (admin and compliance keys).")

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

    @staticmethod
    def resolve_downline(_root: Any, info: Any, root_id: str, max_depth: int | None = None,
                         as_of: str | None = None, active_days: int = 30,
                         top: int = 10) -> Any:
        ctx: Context = info.context
        ctx.scope.check(root_id)
        return to_graph(downline_q.health(ctx.store, root_id, _window(ctx, as_of, active_days),
                                        max_depth=max_depth, top=top))

    @staticmethod
    def resolve_compliance(_root: Any, info: Any, policy: str = "cn",
                           root_id: str | None = None, as_of: str | None = None,
                           days: int = 365, evidence: int = 5) -> Any:
        ctx: Context = info.context
        root_id = _team_root(ctx, root_id)
        if policy not in _policies():
            raise BadInput(f"unknown policy {policy!r}; presets: {', '.join(_policies())}")
        return to_graph(compliance_q.report(ctx.store, _policy(policy), _window(ctx, as_of, days),
                                          root_id=root_id, evidence_limit=evidence))

    @staticmethod
    def resolve_influence(_root: Any, info: Any, top: int = 20,
                          personalize: list[str] | None = None, seeds: int = 0,
                          algorithm: str = "imm", as_of: str | None = None,
                          days: int = 30, root_id: str | None = None) -> Influence:
        ctx: Context = info.context
        root_id = _team_root(ctx, root_id)
        for member_id in personalize or ():
            ctx.scope.check(member_id)
        w = _window(ctx, as_of, days)
        ranking = influence_q.rank(ctx.store, w, top=top, personalize=personalize or None,
                                   root_id=root_id)
        chosen = (influence_q.seeds(ctx.store, w, k=seeds, method=enum_value(algorithm),
                                    runs=200, root_id=root_id)
                  if seeds else None)
        return Influence(ranking=to_graph(ranking),
                         seeds=to_graph(chosen) if chosen is not None else None)

    @staticmethod
    def resolve_conversion(_root: Any, info: Any, promoter_id: str | None = None,
                           since: str | None = None, until: str | None = None,
                           group_by: str = "trust", top: int = 20,
                           root_id: str | None = None) -> Any:
        ctx: Context = info.context
        root_id = _team_root(ctx, root_id)
        if promoter_id is not None:
            ctx.scope.check(promoter_id)
        return to_graph(conversion_q.funnel(ctx.store, _window(ctx, until, 90, since),
                                          promoter_id=promoter_id,
                                          group_by=enum_value(group_by), top=top,
                                          root_id=root_id))

    @staticmethod
    def resolve_load_runs(_root: Any, info: Any, last: int = 20) -> list[LoadRun]:
        ctx: Context = info.context
        ctx.scope.require("admin", "compliance")
        if not 0 < last <= 100:
            raise BadInput("last must be within 1..100")
        return [LoadRun.from_row(r)
                for r in ctx.store.run("schema/load_runs", {"limit": last}).records()]

    @staticmethod
    def resolve_load_run(_root: Any, info: Any, id: str) -> LoadRun | None:
        ctx: Context = info.context
        ctx.scope.require("admin", "compliance")
        return load_run(ctx, id)


def _team_root(ctx: Context, root_id: str | None) -> str | None:
    """The downline a question covers: the one asked for, else the key's own (an
    organizer's key never gets a network-wide answer); checked against the scope."""
    root_id = root_id or ctx.scope.root
    if root_id is not None:
        ctx.scope.check(root_id)
    return root_id


def _policies() -> list[str]:
    return policy_q.presets()


def _policy(name: str) -> policy_q.Policy:
    """API callers choose a preset; a file path would read the server's disk."""
    return policy_q.load(name)


schema = graphene.Schema(query=Query, mutation=Mutation, auto_camelcase=True)

