"""The four questions' answers as GraphQL types, derived from their result dataclasses.

The dataclasses in ``refnet.queries`` are the one description of each answer; the CLI
prints them, ``--json`` dumps them, and this module turns each into a graphene type so
the API cannot drift from them. The mapping follows the API's conventions:

* an ``int`` named like money (``gmv``, ``commission``, ``amount``, ``*_gmv``,
  ``*_commission``, ``gmv_*``, but never ``*_rank``: ``gmv_rank`` is a position)
  becomes ``Money`` (a decimal string beside the minor units); an ``int`` named like a
  time (``since``, ``as_of``, ``*_at``) an ISO-8601 string; other ints ``Int``, floats
  ``Float`` (rates stay fractions, null when there is nothing to divide by);
* a ``window`` dict becomes ``Window``; a ``dict[str, number]`` a list of
  ``NamedNumber``, whose ``money`` is set by the same naming rule (``names.is_money``);
* nested dataclasses become their own types, named after the class.

Every type's description is its dataclass's docstring; every field's is the comment
beside it in the dataclass, or the glossary below for names shared across answers. A
field with neither fails at import, so the schema never has an undocumented field.
Python's ``None`` in that text is written ``null``, the word a GraphQL client sees.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import re
import tokenize
import types
import typing
from functools import cache
from typing import Any

import graphene

from refnet.queries.window import format_instant

from .money import Money
from .names import is_money, is_time

__all__ = ["Window", "graphene_type", "iso", "to_graph"]

RENAMES = {
    "Activity": "DownlineActivity", "Level": "DownlineLevel", "Branch": "DownlineBranch",
    "Concentration": "BranchConcentration", "Recruits": "RecruitsDistribution",
    "Totals": "ComplianceTotals", "Check": "ComplianceCheck", "Flag": "ComplianceFlag",
    "Month": "GrowthMonth", "Ranked": "RankedPromoter", "Rule": "ComplianceRule",
    "Organization": "OpinionOrganization", "Tier": "OpinionTier",
    "Condition": "OpinionCondition", "Assessment": "OpinionAssessment",
}

GLOSSARY = {
    "members": "Members counted.",
    "active": "Members who bought or sold (paid or settled) in the window.",
    "inactive": "Members who neither bought nor sold in the window.",
    "active_rate": "active / members; null when there are no members.",
    "never_bought": "Members with no paid or settled purchase as buyer up to as of.",
    "gmv": "Gross merchandise value of paid and settled purchases.",
    "commission": "Commission on those purchases.",
    "bought_gmv": "What the members bought themselves in the window.",
    "entry_gmv": "GMV from entry packages (packs bought to become a member).",
    "level": "Referral levels below the root (0 = the root).",
    "id": "The member's id.",
    "branches": "Branches (the root's direct recruits) counted.",
    "top1_share": "The largest branch's share of the downline's GMV.",
    "top3_share": "The three largest branches' share of the downline's GMV.",
    "gini": "Gini coefficient of GMV over branches: 0 equal, 1 all in one; null with no GMV.",
    "low": "Fewest recruits in the bucket.",
    "recruits": "Direct recruits.",
    "buckets": "Members by how many they recruited.",
    "max_recruits": "The most recruits any member has.",
    "root": "The member the answer is about (the root of its downline).",
    "since": "The window's start (exclusive).",
    "as_of": "The window's end, the 'as of' instant: later events are ignored.",
    "max_depth": "The depth cut asked for; null for the whole tree.",
    "dead_branches": "Branches that sold nothing in the window.",
    "dead_branch_members": "Members in those branches.",
    "concentration": "How GMV is spread over the branches.",
    "member": "The member's id.",
    "status": "The member's status.",
    "tier": "The member's level name in the organization.",
    "joined_at": "When the member joined.",
    "name": "The policy's short name.",
    "title": "The policy's title.",
    "reference": "Where the policy's thresholds come from.",
    "source": "The policy file read.",
    "window": "The window the answer covers.",
    "policy": "The policy the report judged by, every threshold stated.",
    "evidence_limit": "Evidence chains kept per flag (counts stay complete).",
    "totals": "The totals every flag can be recomputed from.",
    "checks": "Each check the policy asks for, and whether it ran.",
    "flags": "The findings.",
    "organizations": "Roots with at least one recruit.",
    "purchases": "Paid or settled purchases in the window.",
    "entry_share": "Entry-package share of GMV.",
    "internal_share": "Share of GMV bought by members rather than outside buyers.",
    "reward_to_retail": "Recruitment rewards / retail commission.",
    "buying_members": "Members with a paid or settled purchase up to as of.",
    "entry_only_buyers": "Buying members whose only purchases are entry packages.",
    "refused_referrals": "Referral rows the loads refused (second referrers, cycles).",
    "deepest_levels": "Levels of the deepest organization, the root's level included.",
    "code": "A stable code clients can branch on.",
    "checked": "Whether the check ran.",
    "note": "Why a check did not run, or what limited it.",
    "severity": "info, warning or critical.",
    "message": "The finding in words.",
    "numbers": "The numbers behind the finding (money in minor units).",
    "evidence": "Chains of member ids, root first, that show the finding.",
    "per_level": "Members per level, the organizer's level first.",
    "timeline": "The organization's growth month by month.",
    "related": "Other members the finding names.",
    "month": "The month (YYYY-MM).",
    "levels": "Levels, the root's level included.",
    "trust_edges": "TRUSTS edges in the projection.",
    "alpha": "PageRank's damping factor.",
    "personalized": "The members personalized PageRank restarts from; empty for global.",
    "iterations": "Power iterations until PageRank converged.",
    "promoters": "Members with attributed GMV in the window.",
    "spearman": "Spearman's rho between PageRank and attributed GMV; null if either is "
                "constant.",
    "rows": "Members by PageRank, highest first.",
    "rank": "Position by PageRank (1 = highest).",
    "pagerank": "Trust-weighted PageRank score (the scores sum to 1).",
    "trusted_by": "Members who trust this member.",
    "trust_in": "Sum of the trust weights pointing at this member.",
    "orders": "Paid or settled purchases attributed to the member in the window.",
    "buyers": "Distinct member buyers.",
    "outside_orders": "Orders with no member buyer.",
    "gmv_rank": "Position by attributed GMV; null without GMV.",
    "method": "imm or celf.",
    "k": "Seeds asked for.",
    "seed": "The random seed: the same seed gives the same answer.",
    "spread": "Expected members reached (seeds included), from Monte-Carlo runs.",
    "ci_low": "Lower end of the spread's 95% confidence interval.",
    "ci_high": "Upper end of the spread's 95% confidence interval.",
    "runs": "Monte-Carlo cascades run.",
    "estimate": "The method's own spread estimate on the samples it chose from.",
    "epsilon": "IMM's approximation slack; null for CELF.",
    "rr_sets": "Reverse-reachable sets IMM sampled; null for CELF.",
    "lower_bound": "IMM's lower bound on the seeds' spread (so on the best); null for CELF.",
    "upper_bound": "IMM's upper bound on the best spread of k seeds; null for CELF.",
    "approximation": "IMM's certified ratio lower_bound / upper_bound (at least "
                     "1 - 1/e - epsilon with probability 1 - 1/n); null for CELF.",
    "seeds": "The chosen seeds, in the order chosen.",
    "position": "Order in which the seed was chosen (1 = first).",
    "marginal_gain": "Members the seed adds to the spread.",
    "pagerank_rank": "The seed's position by PageRank.",
    "promoter_id": "The one promoter asked about; null for every promoter.",
    "group_by": "What the groups split by: promoter, trust, level or channel.",
    "overall": "The funnel over everything asked about.",
    "groups": "The funnel per group.",
    "group_count": "Groups in all (promoters may be cut to the top N).",
    "key": "The group: a promoter id, trust bucket, level or channel.",
    "shares": "Shares made in the window; null for trust buckets.",
    "clicks": "Clicks in the window.",
    "clickers": "Distinct members who clicked.",
    "converted": "Purchases whose buyer clicked that share first.",
    "converting_clickers": "Clickers who went on to buy through the share.",
    "click_through": "Clicks per share (social commerce has no impressions).",
    "conversion": "converted / clicks.",
    "clicker_conversion": "converting clickers / clickers.",
    "other_purchases": "Purchases through no share (locked-in buyers, entry packages).",
    "first_purchase": "Time from joining to the first purchase.",
    "coverage": "Promoters ranked by reach and by conversion, side by side.",
    "bought": "Members who bought at least once.",
    "bought_before_joining": "Members whose first purchase predates joining.",
    "q1_days": "First quartile of days to the first purchase.",
    "median_days": "Median days to the first purchase.",
    "q3_days": "Third quartile of days to the first purchase.",
    "min_clicks": "Clicks a promoter needs to be ranked by conversion.",
    "ranked": "Promoters with at least min_clicks clicks.",
    "by_reach": "Promoters by unique clickers, most first.",
    "by_conversion": "Promoters by conversion, highest first.",
    "reach_gmv_spearman": "Spearman's rho between reach and GMV.",
    "conversion_gmv_spearman": "Spearman's rho between conversion and GMV.",
    "focus": "The asked promoter's own ranks, when one was asked about.",
    "promoter": "The promoter's id.",
    "other_gmv": "GMV of the purchases through no share.",
    "other_commission": "Commission on the purchases through no share.",
    "max_commission_levels": "Levels commission may be paid over; null: not checked.",
    "plan_levels": "Levels the organization's declared payout plan pays; null: none declared.",
    "threshold_levels": "Levels (the organizer's included) that, with the people, cross the "
                        "threshold; null: not checked.",
    "threshold_people": "People that, with the levels, cross the threshold; null: not checked.",
    "count_organizer": "Whether the organizer counts among the people.",
    "velocity_days": "The sliding window recruitment velocity is measured over.",
    "max_direct_recruits": "Direct recruits allowed per velocity window; null: not checked.",
    "max_downline_recruits": "Downline recruits allowed per velocity window; null: not checked.",
    "entry_fee": ("Whether entry packages count as entry fees; null: the policy has no "
                  "entry-package section (not checked)."),
    "max_entry_share": "Entry-package share of GMV allowed; null: not checked.",
    "max_entry_only_buyers": "Share of buying members who bought only entry packages allowed.",
    "max_internal_share": "Share of GMV bought by members allowed; null: not checked.",
    "max_reward_to_retail": "Recruitment rewards / retail commission allowed; null: not "
                            "checked.",
    "min_organization_gmv": "GMV an organization needs before its ratios are judged.",
    "serious_people": "People that, with the threshold crossed, make the case serious "
                      "(情节严重); null: not checked.",
    "serious_fees": "Entry fees collected that, with the threshold crossed, make the case "
                    "serious (情节严重); null: not checked.",
    "combine_organizations": "Whether the organizations one person leads are added together.",
    "after_leaving": "Whether a leader who left but still draws commission keeps counting "
                     "the members recruited after leaving.",
    "entry_fee_share": "Share of recruits who bought an entry package at which joining counts "
                       "as bought (the entry-fee condition); null: not judged.",
    "recruitment_reward_share": "Entry-package share of all commission above which rewards "
                                "count as paid by recruitment; null: not judged.",
    "rules": "The rules the findings cite, quoted.",
    "reach_rank": "Position by reach.",
    "conversion_rank": "Position by conversion.",
}


class Window(graphene.ObjectType):
    """The window an answer covers: since < t <= as of."""

    since = graphene.String(required=True, description="The window's start (exclusive).")
    as_of = graphene.String(required=True, description="The 'as of' instant (inclusive).")
    days = graphene.Float(required=True, description="The window's length in days.")


class NamedNumber(graphene.ObjectType):
    """One number behind a finding."""

    name = graphene.String(required=True, description="What the number is.")
    value = graphene.Float(
        required=True,
        description="Its value; a Float for compatibility, exact for an integral number (a "
                    "count, money in minor units) up to 2^53. Read money from money.")
    money = graphene.Field(Money, description="The value as Money when the number is an "
                                              "amount (named gmv, commission, amount, *_gmv, "
                                              "*_commission or gmv_*, never *_rank); null "
                                              "otherwise.")

    @staticmethod
    def of(name: str, value: int | float) -> NamedNumber:
        """``money`` by the same rule as the answers' fields: an int named like money."""
        integral = isinstance(value, int) and not isinstance(value, bool)
        return NamedNumber(name=name, value=value if integral else float(value),
                           money=Money.of(value) if integral and is_money(name) else None)


def _null(text: str) -> str:
    """Python's None as GraphQL says it: null."""
    return _NONE.sub("null", text)


_NONE = re.compile(r"\bNone\b")


def _comments(cls: type) -> dict[str, str]:
    """Trailing ``# comments`` beside each field in the dataclass's source."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not dataclasses.is_dataclass(klass):
            continue
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):
            continue
        line_field: dict[int, str] = {}
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.NAME and token.start[1] == 4:
                line_field.setdefault(token.start[0], token.string)
            elif token.type == tokenize.COMMENT and token.start[0] in line_field:
                text = token.string.lstrip("# ").strip()
                found[line_field[token.start[0]]] = text[0].upper() + text[1:] + (
                    "" if text.endswith(".") else ".")
    return found


def _description(cls: type, name: str, comments: dict[str, str]) -> str:
    text = comments.get(name) or GLOSSARY.get(name)
    if text is None:
        raise TypeError(f"{cls.__name__}.{name} has no description: add a comment beside "
                        "the field or an entry to api.answers.GLOSSARY")
    return _null(text)


def _optional(hint: Any) -> tuple[Any, bool]:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else hint), False
    return hint, True


def _field_type(cls: type, name: str, hint: Any) -> Any:
    """The graphene type for one dataclass field (without NonNull)."""
    if name == "window":
        return Window
    if typing.get_origin(hint) is dict:
        return graphene.List(graphene.NonNull(NamedNumber))
    if typing.get_origin(hint) in (list, tuple):
        item = typing.get_args(hint)[0]  # list[X] or tuple[X, ...]
        if typing.get_origin(item) is list:
            return graphene.List(graphene.NonNull(graphene.List(graphene.NonNull(graphene.ID))))
        return graphene.List(graphene.NonNull(_scalar_or_object(cls, name, item)))
    return _scalar_or_object(cls, name, hint)


def _scalar_or_object(cls: type, name: str, hint: Any) -> Any:
    hint, _ = _optional(hint)
    if dataclasses.is_dataclass(hint):
        return graphene_type(hint)
    if hint is bool:
        return graphene.Boolean
    if hint is int:
        if is_money(name):
            return Money
        return graphene.String if is_time(name) else graphene.Int
    if hint is float:
        return graphene.Float
    if hint is str:
        return graphene.String
    raise TypeError(f"{cls.__name__}.{name}: no GraphQL type for {hint!r}")


@cache
def graphene_type(cls: type) -> type[graphene.ObjectType]:
    """The graphene ObjectType for a result dataclass (one per class)."""
    hints = typing.get_type_hints(cls)
    comments = _comments(cls)
    attrs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        gql_type = _field_type(cls, f.name, hints[f.name])
        _, required = _optional(hints[f.name])
        attrs[f.name] = graphene.Field(
            graphene.NonNull(gql_type) if required else gql_type,
            description=_description(cls, f.name, comments))
    doc = (cls.__doc__ or "").strip()
    if not doc or doc.startswith(f"{cls.__name__}("):
        raise TypeError(f"{cls.__name__} has no docstring to describe its GraphQL type")
    description = _null(doc.split("\n\n")[0].replace("\n", " "))
    attrs["Meta"] = type("Meta", (), {"description": description})
    return type(RENAMES.get(cls.__name__, cls.__name__), (graphene.ObjectType,), attrs)


def iso(epoch_ms: int | None) -> str | None:
    """Epoch milliseconds as the API writes times: ISO-8601 with the offset."""
    return format_instant(int(epoch_ms)) if epoch_ms is not None else None


def to_graph(value: Any, name: str = "") -> Any:
    """A result (dataclass) as the plain values its graphene type reads."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_graph(getattr(value, f.name), f.name)
                for f in dataclasses.fields(value)}
    if name == "window" and isinstance(value, dict):
        return Window(since=value["since"], as_of=value["as_of"], days=value["days"])
    if isinstance(value, dict):
        return [NamedNumber.of(k, v) for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [to_graph(v, name) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        if is_money(name):
            return Money.of(value)
        if is_time(name):
            return format_instant(value)
    return value
