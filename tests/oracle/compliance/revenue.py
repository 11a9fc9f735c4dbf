"""Checks of where revenue comes from: entry packages, internal consumption,
recruitment rewards against retail commission, entry-package-only buyers."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from refnet.queries.compliance.results import Flag
from refnet.queries.stats import ratio

from .context import SUMS, Context

__all__ = ['entry_only', 'revenue']


def revenue(ctx: Context, sales: list[dict[str, Any]]) -> dict[str, Any]:
    p, f = ctx.policy, ctx.f
    total: Counter[str] = Counter()
    per_org: dict[int, Counter[str]] = defaultdict(Counter)
    promoters: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    unattributed = 0
    for row in sales:
        pr = ctx.idx(row["promoter"])
        org = ctx.scope.org(pr)
        if row["promoter"] is None:
            if not ctx.scope.whole:
                continue
            unattributed += row["gmv"]
        elif org < 0 and not ctx.scope.whole:
            continue
        total.update({k: row[k] for k in SUMS})
        if org >= 0 and pr is not None:
            per_org[org].update({k: row[k] for k in SUMS})
            promoters[org].append((pr, row))
            promoters[-1].append((pr, row))
    groups: list[tuple[int, Counter[str]]] = [(-1, total)] if ctx.scope.whole else []
    groups += sorted(((o, c) for o, c in per_org.items()
                      if c["gmv"] >= p.min_organization_gmv),
                     key=lambda x: f.ids[x[0]])

    def who(org: int) -> str:
        return "the network" if org < 0 else f"{f.ids[org]}'s organization"

    def top(org: int, key: str) -> list[list[str]]:
        rows = sorted(promoters[org], key=lambda x: (-x[1][key], f.ids[x[0]]))
        return [f.chain(pr) for pr, row in rows[:ctx.limit] if row[key] > 0]

    def member(org: int) -> str | None:
        return None if org < 0 else f.ids[org]

    def over_share(code: str, part: str, limit: float,
                   message: Callable[[int, float], str],
                   numbers: Callable[[Counter[str], float], dict[str, int | float]]) -> None:
        """Flag each group whose ``part`` of GMV is above ``limit``; evidence: the
        promoters with the most of that part."""
        flags = []
        for org, c in groups:
            share = ratio(c[part], c["gmv"])
            if share is not None and share > limit:
                flags.append(Flag(code, "warning", member(org), message(org, share),
                                  {**numbers(c, share), "gmv": c["gmv"], "share": share,
                                   "max_share": limit},
                                  evidence=top(org, part)))
        ctx.check(code, True, flags)

    entry_on = p.entry_fee
    if not entry_on or p.max_entry_share is None:
        ctx.check("ENTRY_PACKAGE_SHARE", False, note=_entry_off(p.entry_fee)
                  or "the policy sets no entry-package share")
    else:
        entry_limit = p.max_entry_share
        over_share(
            "ENTRY_PACKAGE_SHARE", "entry_gmv", entry_limit,
            lambda org, share: f"entry packages are {share:.1%} of {who(org)}'s GMV (the "
                               f"policy's limit is {entry_limit:.0%})",
            lambda c, _: {"entry_gmv": c["entry_gmv"],
                          "entry_purchases": c["entry_purchases"]})

    if p.max_internal_share is None:
        ctx.check("INTERNAL_CONSUMPTION", False,
                  note="the policy sets no internal-consumption share")
    else:
        internal_limit = p.max_internal_share
        over_share(
            "INTERNAL_CONSUMPTION", "internal_gmv", internal_limit,
            lambda org, share: f"members bought {share:.1%} of {who(org)}'s GMV themselves, "
                               f"outside buyers {1 - share:.1%} (the policy's limit is "
                               f"{internal_limit:.0%})",
            lambda c, _: {"internal_gmv": c["internal_gmv"], "outside_gmv": c["outside_gmv"],
                          "self_gmv": c["self_gmv"]})

    ratio_limit = p.max_reward_to_retail
    if not entry_on or ratio_limit is None:
        ctx.check("RECRUITMENT_REWARD_RATIO", False,
                  note=_entry_off(p.entry_fee) or "the policy sets no reward-to-retail ratio")
    else:
        flags = []
        for org, c in groups:
            reward, retail = c["entry_commission"], c["retail_commission"]
            if reward > 0 and reward > ratio_limit * retail:
                numbers: dict[str, int | float] = {
                    "reward_commission": reward, "retail_commission": retail,
                    "max_ratio": ratio_limit}
                if retail:
                    numbers["ratio"] = reward / retail
                said = f"{reward / retail:.2f} times" if retail else "with no"
                flags.append(Flag(
                    "RECRUITMENT_REWARD_RATIO", "warning", member(org),
                    f"{who(org)} earned recruitment rewards {said} its retail commission "
                    f"(the policy's limit is {ratio_limit:g} times)",
                    numbers, evidence=top(org, "entry_commission")))
        ctx.check("RECRUITMENT_REWARD_RATIO", True, flags)

    return {
        **{k: total[k] for k in SUMS if k not in ("entry_purchases",)},
        "unattributed_gmv": unattributed,
        "entry_share": ratio(total["entry_gmv"], total["gmv"]),
        "internal_share": ratio(total["internal_gmv"], total["gmv"]),
        "reward_to_retail": ratio(total["entry_commission"], total["retail_commission"]),
    }


def _entry_off(entry_fee: bool | None) -> str | None:
    """Why the entry-package checks are off, if they are."""
    if entry_fee is None:
        return "the policy has no [entry_packages] section"
    return None if entry_fee else "entry packages are not entry fees"


def entry_only(ctx: Context, buyers: list[dict[str, Any]]) -> tuple[int, int]:
    p, f = ctx.policy, ctx.f
    per_org: dict[int, list[int]] = defaultdict(list)  # org -> [buying, entry-only...]
    buying: Counter[int] = Counter()
    count_all = buying_all = 0
    for row in buyers:
        b = ctx.idx(row["buyer"])
        org = ctx.scope.org(b)
        if b is None or (org < 0 and not ctx.scope.whole):
            continue
        buying_all += 1
        buying[org] += 1
        if int(row["entry"] or 0) == int(row["purchases"]):
            count_all += 1
            per_org[org].append(b)
    if not p.entry_fee:
        ctx.check("ENTRY_PACKAGE_ONLY_BUYERS", False, note=_entry_off(p.entry_fee))
        return buying_all, count_all
    flags = []
    for org in sorted((o for o in per_org if o >= 0), key=lambda o: f.ids[o]):
        found = sorted(per_org[org], key=lambda b: f.ids[b])
        share = len(found) / buying[org]
        high = p.max_entry_only_buyers is not None and share > p.max_entry_only_buyers
        numbers: dict[str, int | float] = {"members": len(found),
                                           "buying_members": buying[org], "share": share}
        if p.max_entry_only_buyers is not None:
            numbers["max_share"] = p.max_entry_only_buyers
        flags.append(Flag(
            "ENTRY_PACKAGE_ONLY_BUYERS", "warning" if high else "info", f.ids[org],
            f"{len(found):,} of {buying[org]:,} buying members of {f.ids[org]}'s "
            f"organization ({share:.1%}) bought nothing but entry packages",
            numbers, evidence=[f.chain(b) for b in found[:ctx.limit]],
        ))
    ctx.check("ENTRY_PACKAGE_ONLY_BUYERS", True, flags)
    return buying_all, count_all

# -- data integrity --------------------------------------------------------------
