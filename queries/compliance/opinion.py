"""The 2013 opinion (公通字〔2013〕37号) applied leader by leader: the tier the numbers
reach and which of its defining conditions the data shows.

Who is assessed: each organization's organizer (a root of the forest with recruits) whose
people and levels, added up as below, could reach the first tier; in a report on one
downline, the member asked about, whatever its numbers. The policy's ``[opinion]``
section switches this on (``cn``); its ``[rules]`` are quoted with each finding.

Definitions (all as of the window's end, cumulative: the opinion counts "累计"):

* **People and levels** as ``PYRAMID_THRESHOLD`` counts them (the organizer and the
  organizer's level included when ``count_organizer``; "以上" inclusive).
* **Organizations led by one person** (``combine_organizations``): the model has no
  person, only members, so one person is one *account holder*: members holding a
  common platform account (``HAS_ACCOUNT`` to one ``Account``), transitively. Every
  such member's downline is one organization of that person; their members are added
  together (the person counted once), and the levels are the most of any one of them.
  A downline inside another of the same person's is not counted twice.
* **After leaving** (``after_leaving``): a member who formally left has ``left_at``
  (members.csv). If commission was paid to them after ``left_at`` on a purchase by a
  member of their organization, they still draw rewards from it, and the members
  recruited after they left keep counting (article 1, paragraph 3); otherwise only the
  members who had joined by ``left_at`` count, and the fees they paid by then.
* **Fees** (tier 2, "传销资金"): the amount of paid or settled entry-package purchases
  made by the counted members other than the leader (fees collected directly or
  indirectly). Exact integer fen, compared with ``serious_fees`` inclusively.
* **Entry fee** (condition 1, joining by paying or buying): met when at least
  ``entry_fee_share`` of the counted recruits bought an entry package; unknown when the
  policy does not count packages as fees or no recruit bought anything.
* **Levels** (condition 2): the levels reach ``threshold.min_levels``.
* **Rewards by recruitment** (condition 3): the model pays each purchase's commission
  to its promoter; commission on entry packages is paid per person who joins, other
  commission per sale (团队计酬). Met when entry-package commission paid to the counted
  members is above ``recruitment_reward_share`` of all their commission; not met when
  all of it is from sales; unknown with no commission, or packages not counted as fees.

The pattern: ``pyramid`` (all three met), ``team_remuneration`` (no entry fee and
rewards from sales: not the criminal pattern, article 5), ``incomplete`` (another
condition not met), ``unknown``. ``criminal``: a tier reached in the pyramid pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from refnet.graph.store import GraphStore
from refnet.queries.snapshot import NONE, buyers_sorted

from .context import COUNTED, Context
from .forest import Forest
from .policy import Policy
from .results import Assessment, Condition, Organization, Tier

__all__ = ["Leaders", "Lookup", "assess", "counted_members", "enabled", "lookup"]

MAX_ROUNDS = 8  # links of shared accounts followed from a leader


@dataclass(frozen=True)
class Leaders:
    """What the opinion needs that the snapshot does not hold: each member's person (its
    member ids, sorted, itself included) and when members formally left."""

    person: dict[str, tuple[str, ...]] = field(default_factory=dict)
    left_at: dict[str, int] = field(default_factory=dict)


Lookup = Callable[[list[str]], Leaders]


def lookup(store: GraphStore) -> Lookup:
    """Reads ``compliance/leaders`` for the ids asked and, round by round, for the members
    sharing an account with them."""

    def read(ids: list[str]) -> Leaders:
        links: dict[str, set[str]] = {}
        left: dict[str, int] = {}
        todo = list(dict.fromkeys(ids))
        for _ in range(MAX_ROUNDS):
            todo = [i for i in todo if i not in links]
            if not todo:
                break
            found: list[str] = []
            for row in store.run("compliance/leaders", {"ids": todo}).records():
                links.setdefault(row["id"], set()).update(row["same"])
                for other in row["same"]:
                    links.setdefault(other, set())
                    links[other].add(row["id"])
                if row["left_at"] is not None:
                    left[row["id"]] = int(row["left_at"])
                found += row["same"]
            for i in todo:
                links.setdefault(i, set())
            todo = found
        return Leaders(_people(links), left)

    return read


def _people(links: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
    """Connected members, each mapped to its whole group."""
    out: dict[str, tuple[str, ...]] = {}
    for start in sorted(links):
        if start in out:
            continue
        group, stack = {start}, [start]
        while stack:
            for other in links.get(stack.pop(), ()):
                if other not in group:
                    group.add(other)
                    stack.append(other)
        members = tuple(sorted(group))
        for m in members:
            out[m] = members
    return out


def enabled(policy: Policy) -> bool:
    """Whether the policy asks for the opinion's assessment: a threshold and [opinion]."""
    return policy.threshold_people is not None and policy.threshold_levels is not None and (
        policy.serious_people is not None or policy.serious_fees is not None
        or policy.entry_fee_share is not None or policy.recruitment_reward_share is not None
        or policy.combine_organizations or policy.after_leaving)


def counted_members(f: Forest, top: int, left_at: int | None, still_earning: bool
                    ) -> np.ndarray:
    """The members of ``top``'s organization the opinion counts, in preorder: all of
    them, or, when its organizer left and drew nothing after, those who had joined by
    then (the organizer always)."""
    members = f.subtree(top)
    if left_at is None or still_earning:
        return members
    return members[(f.joined[members] <= left_at) | (members == top)]


class _Money:
    """Paid and settled purchases up to as of, per member of one forest: what each
    bought (entry packages, fees) and what each was paid (commission by kind)."""

    def __init__(self, f: Forest, as_of: int) -> None:
        snap = f.snap
        span = f.promoted()
        ordered = buyers_sorted(snap)
        lo, hi = np.searchsorted(ordered, [f.lo, f.lo + f.n])
        rows = np.union1d(np.arange(span.start, span.stop), np.asarray(snap.by_buyer[lo:hi]))
        at = np.asarray(snap.p_at)[rows]
        keep = (np.isin(np.asarray(snap.p_status)[rows], snap.status_codes(*COUNTED))
                & (at != NONE) & (at <= as_of))
        rows = rows[keep]
        self.buyer = f.local(np.asarray(snap.p_buyer)[rows])
        self.promoter = f.local(np.asarray(snap.p_promoter)[rows])
        self.at = np.asarray(snap.p_at)[rows]
        self.amount = np.asarray(snap.p_amount, dtype=np.int64)[rows]
        self.commission = np.asarray(snap.p_commission, dtype=np.int64)[rows]
        self.entry = np.asarray(snap.p_entry)[rows]


class _Assessor:
    def __init__(self, ctx: Context, leaders: Leaders) -> None:
        self.ctx, self.p, self.leaders = ctx, ctx.policy, leaders
        self.f = ctx.f
        self._money: dict[int, _Money] = {}

    def forest_for(self, ids: tuple[str, ...]) -> Forest:
        """The report's forest, or the whole one when the person reaches outside it."""
        f = self.ctx.f
        if f.whole:
            return f
        snap = f.snap
        inside = [snap.position(i) for i in ids]
        if all(v is not None and f.local(np.array([v]))[0] >= 0 for v in inside):
            return f
        return Forest(snap, self.ctx.window.end)

    def money(self, f: Forest) -> _Money:
        if id(f) not in self._money:
            self._money[id(f)] = _Money(f, self.ctx.window.end)
        return self._money[id(f)]

    def assess(self, leader: int) -> Assessment | None:
        p, ctx = self.p, self.ctx
        own = int(p.count_organizer)
        name = self.f.id(leader)
        ids = self.leaders.person.get(name, (name,)) if p.combine_organizations else (name,)
        f = self.forest_for(ids)
        snap = f.snap
        nodes = []
        for i in ids:
            v = snap.position(i)
            local = -1 if v is None else int(f.local(np.array([v]))[0])
            if local >= 0 and f.present[local] and f.pos[local] >= 0:
                nodes.append(local)
        me = int(f.local(np.array([snap.position(name)]))[0])
        nodes = sorted(set(nodes) | {me}, key=lambda v: (v != me, f.rank[v]))
        tops = [v for v in nodes if not any(
            u != v and f.pos[u] < f.pos[v] <= f.pos[u] + f.size[u] for u in nodes)]
        if ctx.scope.whole:  # whom the first tier cannot reach is not assessed
            most = sum(int(f.size[t]) + 1 for t in tops) - len(nodes) + own
            if most < p.threshold_people or max(int(f.height[t]) + 1 for t in tops) \
                    < p.threshold_levels:
                return None
        cash = self.money(f)
        person = np.zeros(f.n, dtype=bool)
        person[nodes] = True
        counted = np.zeros(f.n, dtype=bool)
        fee_until = np.full(f.n, self.ctx.window.end, dtype=np.int64)  # per member
        orgs = []
        for t in tops:
            members = f.subtree(t)
            left = self.leaders.left_at.get(f.id(t)) if p.after_leaving else None
            if left is not None and left > ctx.window.end:
                left = None
            after, later, keep = 0, 0, members
            if left is not None:
                mine = np.zeros(f.n, dtype=bool)
                mine[members] = True
                paid = ((cash.promoter == t) & (cash.at > left) & (cash.buyer >= 0))
                paid &= mine[np.maximum(cash.buyer, 0)] & ~person[np.maximum(cash.buyer, 0)]
                after = int(cash.commission[paid].sum())
                later = int((f.joined[members] > left).sum())
                keep = counted_members(f, t, left, after > 0)
                if not after:
                    fee_until[keep] = left
            counted[keep] = True
            depth = f.depth[keep] - f.depth[t]
            per_level = np.bincount(depth).tolist()
            orgs.append(Organization(
                f.id(t), len(keep) - int(person[keep].sum()) + own, len(per_level), per_level,
                left, after, later, left is not None and after > 0))
        recruits = counted & ~person
        people = int(recruits.sum()) + own
        levels = max(o.levels for o in orgs)
        b = np.maximum(cash.buyer, 0)
        by_recruit = (cash.buyer >= 0) & recruits[b]
        entry_fees = by_recruit & (cash.entry == 1) & (cash.at <= fee_until[b])
        fees = int(cash.amount[entry_fees].sum())
        conditions = [self.entry_fee(recruits, cash, by_recruit, fees),
                      self.levels(levels), self.rewards(counted, cash)]
        status = {c.code: c.status for c in conditions}
        if all(s == "met" for s in status.values()):
            pattern = "pyramid"
        elif status["ENTRY_FEE"] == "not_met" and status["RECRUITMENT_REWARDS"] == "not_met":
            pattern = "team_remuneration"
        elif "not_met" in status.values():
            pattern = "incomplete"
        else:
            pattern = "unknown"
        tiers = self.tiers(people, levels, fees)
        reached = {t.code: t.reached for t in tiers}
        tier = "none"
        if reached["PYRAMID_THRESHOLD"]:
            tier = "serious" if reached["SERIOUS_PEOPLE"] or reached["SERIOUS_FEES"] \
                else "threshold"
        rules = [r for r in (
            p.rule("COUNTING"),
            p.rule("COMBINED_ORGANIZATIONS") if len(orgs) > 1 else None,
            p.rule("AFTER_LEAVING") if any(o.left_at is not None for o in orgs) else None,
            p.rule("TEAM_REMUNERATION") if pattern == "team_remuneration" else None,
        ) if r is not None]
        return Assessment(
            name, [i for i in ids if i != name], orgs, people, levels, fees, tier, pattern,
            tier != "none" and pattern == "pyramid", tiers, conditions, rules,
            _message(name, people, levels, fees, orgs, tier, pattern))

    def tiers(self, people: int, levels: int, fees: int) -> list[Tier]:
        p = self.p
        assert p.threshold_people is not None and p.threshold_levels is not None
        fees_known = p.entry_fee is True
        return [
            Tier("PYRAMID_THRESHOLD", True,
                 people >= p.threshold_people and levels >= p.threshold_levels,
                 {"people": people, "min_people": p.threshold_people, "levels": levels,
                  "min_levels": p.threshold_levels}, p.rule("PYRAMID_THRESHOLD")),
            Tier("SERIOUS_PEOPLE", p.serious_people is not None,
                 p.serious_people is not None and people >= p.serious_people,
                 {"people": people, "min_people": p.serious_people or 0},
                 p.rule("PYRAMID_SERIOUS")),
            Tier("SERIOUS_FEES", p.serious_fees is not None and fees_known,
                 p.serious_fees is not None and fees_known and fees >= p.serious_fees,
                 {"fees": fees, "min_fees": p.serious_fees or 0}, p.rule("PYRAMID_SERIOUS")),
        ]

    def entry_fee(self, recruits: np.ndarray, cash: _Money, by_recruit: np.ndarray,
                  fees: int) -> Condition:
        p = self.p
        rule = p.rule("ENTRY_FEE")
        total = int(recruits.sum())
        known = by_recruit & (cash.entry >= 0)
        buyers = len(np.unique(cash.buyer[known]))
        paying = len(np.unique(cash.buyer[known & (cash.entry == 1)]))
        numbers: dict[str, int | float] = {"recruits": total, "buying_recruits": buyers,
                                           "paying_recruits": paying, "fees": fees}
        if p.entry_fee is not True or p.entry_fee_share is None:
            return Condition("ENTRY_FEE", "unknown", "the policy does not count entry "
                             "packages as entry fees", numbers, rule)
        numbers["min_share"] = p.entry_fee_share
        if not total or not buyers:
            return Condition("ENTRY_FEE", "unknown", "no recruit bought anything the data "
                             "can tell an entry package from", numbers, rule)
        share = paying / total
        numbers["share"] = share
        met = paying > 0 and share >= p.entry_fee_share
        return Condition(
            "ENTRY_FEE", "met" if met else "not_met",
            f"{paying:,} of {total:,} recruits ({share:.1%}) bought an entry package "
            f"(joining counts as bought from {p.entry_fee_share:.0%})", numbers, rule)

    def levels(self, levels: int) -> Condition:
        p = self.p
        assert p.threshold_levels is not None
        met = levels >= p.threshold_levels
        return Condition("LEVELS", "met" if met else "not_met",
                         f"{levels} levels, the organizer's own first (the opinion's "
                         f"{p.threshold_levels} or more)",
                         {"levels": levels, "min_levels": p.threshold_levels},
                         p.rule("LEVELS"))

    def rewards(self, counted: np.ndarray, cash: _Money) -> Condition:
        p = self.p
        rule = p.rule("RECRUITMENT_REWARDS")
        to = (cash.promoter >= 0) & counted[np.maximum(cash.promoter, 0)]
        commission = int(cash.commission[to].sum())
        entry = int(cash.commission[to & (cash.entry == 1)].sum())
        sales = int(cash.commission[to & (cash.entry == 0)].sum())
        numbers: dict[str, int | float] = {"commission": commission,
                                           "entry_commission": entry,
                                           "sales_commission": sales}
        if p.entry_fee is not True or p.recruitment_reward_share is None:
            return Condition("RECRUITMENT_REWARDS", "unknown", "the policy does not count "
                             "entry packages as entry fees", numbers, rule)
        if not commission:
            return Condition("RECRUITMENT_REWARDS", "unknown",
                             "no commission was paid to the organization", numbers, rule)
        share = entry / commission
        numbers |= {"share": share, "max_share": p.recruitment_reward_share}
        if entry > 0 and share > p.recruitment_reward_share:
            return Condition("RECRUITMENT_REWARDS", "met",
                             f"{share:.1%} of the commission was paid on entry packages, "
                             "per person joining", numbers, rule)
        return Condition("RECRUITMENT_REWARDS", "not_met",
                         f"{1 - share:.1%} of the commission was paid on sales (team "
                         "remuneration)" if share < 1 else "commission on sales only",
                         numbers, rule)


def _message(name: str, people: int, levels: int, fees: int, orgs: list[Organization],
             tier: str, pattern: str) -> str:
    yuan = f"¥{fees // 100:,}.{fees % 100:02d}"
    over = f" over {len(orgs)} organizations" if len(orgs) > 1 else ""
    reached = {"none": "below the opinion's threshold",
               "threshold": "the opinion's threshold (article 1)",
               "serious": "the opinion's serious tier, 情节严重 (article 4)"}[tier]
    shows = {"pyramid": "the data shows every defining condition",
             "team_remuneration": "only team remuneration by sales shows, with no entry fee: "
                                  "not the criminal pattern (article 5)",
             "incomplete": "the data does not show every defining condition",
             "unknown": "the data cannot tell every defining condition"}[pattern]
    return (f"{name} organizes {people:,} people in {levels} levels{over}, entry fees "
            f"{yuan}: {reached}; {shows}")


def assess(ctx: Context, lookup: Lookup | None) -> list[Assessment]:
    """The opinion's assessment of each leader in the report's scope (see the module)."""
    p = ctx.policy
    if not enabled(p):
        return []
    f, scope = ctx.f, ctx.scope
    roots = scope.roots if not scope.whole else scope.roots[f.size[scope.roots] > 0]
    roots = roots[np.argsort(f.rank[roots], kind="stable")]
    needed = bool(p.combine_organizations or p.after_leaving) and lookup is not None
    leaders = lookup([f.id(int(r)) for r in roots]) if needed and len(roots) else Leaders()
    if not p.combine_organizations:
        leaders = Leaders({}, leaders.left_at)
    assessor = _Assessor(ctx, leaders)
    out: list[Assessment] = []
    done: set[tuple[str, ...]] = set()
    for r in roots.tolist():
        person = leaders.person.get(f.id(r), (f.id(r),))
        if person in done:  # one person, assessed once (from its first organizer)
            continue
        done.add(person)
        found = assessor.assess(r)
        if found is not None:
            out.append(found)
    return out

