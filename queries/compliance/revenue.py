"""Checks of where revenue comes from: entry packages, internal consumption,
recruitment rewards against retail commission, entry-package-only buyers.

Sums per promoter (``Sales``) are added up per organization with one ``np.add.at``;
only the flagged groups are built one by one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from refnet.queries.snapshot import NONE, buyers_sorted
from refnet.queries.stats import ratio

from .context import COUNTED, SUMS, Context, Sales, runs
from .results import Flag

__all__ = ['entry_only', 'revenue']


def revenue(ctx: Context, sales: Sales) -> dict[str, Any]:
    """The window's revenue overall and per organization, and its flags; the totals."""
    p, f = ctx.policy, ctx.f
    org_of = ctx.scope.org(sales.promoter)
    nobody = sales.promoter < 0
    attributed = org_of >= 0
    total = sales.select(np.ones(len(org_of), dtype=bool) if ctx.scope.whole else attributed)
    unattributed = int(sales.sums["gmv"][nobody].sum()) if ctx.scope.whole else 0
    orgs, which = np.unique(org_of[attributed], return_inverse=True)
    per_org = {}
    for k, v in sales.sums.items():
        per_org[k] = np.zeros(len(orgs), dtype=np.int64)
        np.add.at(per_org[k], which, v[attributed])
    judged = per_org["gmv"] >= p.min_organization_gmv

    def groups(flagged: np.ndarray) -> list[tuple[int, dict[str, int]]]:
        """The network (when the report covers it) and each judged organization where
        ``flagged`` (per organization) is true, by id."""
        out: list[tuple[int, dict[str, int]]] = []
        pick = np.flatnonzero(judged & flagged)
        for i in pick[np.argsort(f.rank[orgs[pick]], kind="stable")].tolist():
            out.append((int(orgs[i]), {k: int(v[i]) for k, v in per_org.items()}))
        return out

    def network() -> list[tuple[int, dict[str, int]]]:
        return [(-1, total)] if ctx.scope.whole else []

    def who(org: int) -> str:
        return "the network" if org < 0 else f"{f.id(org)}'s organization"

    ranked: dict[str, tuple[np.ndarray, np.ndarray, dict[int, tuple[int, int]]]] = {}

    def top(o: int, key: str) -> list[list[str]]:
        """The chains of the promoters with the most ``key`` in organization ``o`` (-1:
        all of them); the promoters are sorted once per key, overall and by organization."""
        if key not in ranked:
            value = sales.sums[key]
            mine = np.flatnonzero(attributed & (value > 0))
            who = sales.promoter[mine]
            overall = mine[np.lexsort((f.rank[who], -value[mine]))]
            grouped = overall[np.argsort(org_of[overall], kind="stable")]
            where = {int(org_of[grouped[lo]]): (lo, hi) for lo, hi in runs(org_of[grouped])}
            ranked[key] = (overall, grouped, where)
        overall, grouped, where = ranked[key]
        if o < 0:
            return ctx.chains(sales.promoter[overall[:ctx.limit]])
        lo, hi = where.get(o, (0, 0))
        return ctx.chains(sales.promoter[grouped[lo:min(hi, lo + ctx.limit)]])

    def member(org: int) -> str | None:
        return None if org < 0 else f.id(org)

    def over_share(code: str, part: str, limit: float,
                   message: Callable[[int, float], str],
                   numbers: Callable[[dict[str, int], float], dict[str, int | float]]) -> None:
        """Flag each group whose ``part`` of GMV is above ``limit``; evidence: the
        promoters with the most of that part."""
        gmv = per_org["gmv"]
        share = per_org[part] / np.where(gmv > 0, gmv, 1)
        flags = []
        for o, c in network() + groups((gmv > 0) & (share > limit)):
            share_o = ratio(c[part], c["gmv"])
            if share_o is not None and share_o > limit:
                flags.append(Flag(code, "warning", member(o), message(o, share_o),
                                  {**numbers(c, share_o), "gmv": c["gmv"], "share": share_o,
                                   "max_share": limit},
                                  evidence=top(o, part)))
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
        reward_o, retail_o = per_org["entry_commission"], per_org["retail_commission"]
        for org, c in network() + groups((reward_o > 0) & (reward_o > ratio_limit * retail_o)):
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


def entry_only(ctx: Context) -> tuple[int, int]:
    """Members whose every paid or settled purchase up to as_of was an entry package:
    counted overall, flagged per organization."""
    p, f = ctx.policy, ctx.f
    snap = f.snap
    ordered = buyers_sorted(snap)  # ascending: the forest's members' are one range
    lo, hi = np.searchsorted(ordered, [f.lo, f.lo + f.n])
    rows = np.asarray(snap.by_buyer[lo:hi])
    buyer = f.local(ordered[lo:hi])
    at = np.asarray(snap.p_at)[rows]
    entry = np.asarray(snap.p_entry)[rows]
    keep = (np.isin(np.asarray(snap.p_status)[rows], snap.status_codes(*COUNTED))
            & (at != NONE) & (at <= ctx.window.end) & (entry >= 0) & (buyer >= 0))
    buyer, entry = buyer[keep], entry[keep] == 1
    starts = np.flatnonzero(np.r_[True, buyer[1:] != buyer[:-1]]) if len(buyer) \
        else np.zeros(0, dtype=np.int64)
    buyers = buyer[starts]
    purchases = np.diff(np.r_[starts, len(buyer)])
    entries = np.add.reduceat(entry.astype(np.int64), starts) if len(buyer) else purchases
    org = ctx.scope.org(buyers)
    counted = f.present[buyers] & (org >= 0 if not ctx.scope.whole else True)
    only = counted & (entries == purchases)
    buying_all, count_all = int(counted.sum()), int(only.sum())
    if not p.entry_fee:
        ctx.check("ENTRY_PACKAGE_ONLY_BUYERS", False, note=_entry_off(p.entry_fee))
        return buying_all, count_all
    inside = counted & (org >= 0)
    buying = dict(zip(*(a.tolist() for a in np.unique(org[inside], return_counts=True)),
                      strict=True))
    found_all = np.flatnonzero(only & (org >= 0))
    found_all = found_all[np.lexsort((f.rank[buyers[found_all]], f.rank[org[found_all]]))]
    flags = []
    for lo, hi in runs(org[found_all]):
        o = int(org[found_all[lo]])
        found = buyers[found_all[lo:hi]]
        share = len(found) / buying[o]
        high = p.max_entry_only_buyers is not None and share > p.max_entry_only_buyers
        numbers: dict[str, int | float] = {"members": len(found),
                                           "buying_members": buying[o], "share": share}
        if p.max_entry_only_buyers is not None:
            numbers["max_share"] = p.max_entry_only_buyers
        flags.append(Flag(
            "ENTRY_PACKAGE_ONLY_BUYERS", "warning" if high else "info", f.id(o),
            f"{len(found):,} of {buying[o]:,} buying members of {f.id(o)}'s "
            f"organization ({share:.1%}) bought nothing but entry packages",
            numbers, evidence=ctx.chains(found),
        ))
    ctx.check("ENTRY_PACKAGE_ONLY_BUYERS", True, flags)
    return buying_all, count_all

