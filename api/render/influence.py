"""Influence as tables a person reads: PageRank beside revenue, and the chosen seeds.

``tables(answer)`` takes the influence question's answer: the ranking (summary +
members by PageRank with their attributed GMV) and, when seeds were asked for, the
seed set (summary + seeds with their marginal gains).
"""

from __future__ import annotations

from rich.table import Table

from refnet.api.language import _
from refnet.api.render import columns, key_values, money, percent, shown
from refnet.queries.influence import Influence, InfluenceRanking, InfluenceSeeds

__all__ = ["brief", "tables"]


def tables(answer: Influence) -> list[Table]:
    """The ranking's summary and members, then the seeds' when there are any."""
    shown = [_ranking_summary(answer.ranking), _ranking(answer.ranking)]
    if answer.seeds is not None:
        shown += [_seeds_summary(answer.seeds), _seeds(answer.seeds)]
    return shown


def brief(ranking: InfluenceRanking, seeds: InfluenceSeeds) -> list[Table]:
    """The ranking's rows and the chosen seeds: what ``refnet demo`` shows."""
    return [_ranking(ranking), _seeds(seeds)]


def _team(root_id: str | None) -> str:
    return _(" within {root}'s downline").format(root=root_id) if root_id else ""


def _window(w: dict) -> tuple[str, str, str]:
    return (_("Window"), " .. ".join(shown(w)),
            _("since < t <= as of; trust as of the end"))


def _members(n: int) -> tuple[str, str, str]:
    return (_("Members"), f"{n:,}", _("joined by the window's end"))


def _ranking_summary(r: InfluenceRanking) -> Table:
    kind = (_("personalized from {members}").format(members=", ".join(r.personalized))
            if r.personalized else _("global"))
    rho = "—" if r.spearman is None else f"{r.spearman:+.3f}"
    return key_values(_("Influence: trust-weighted PageRank") + _team(r.root_id), [
        _window(r.window),
        _members(r.members),
        (_("Trust edges"), f"{r.trust_edges:,}", _("rank flows from truster to trusted")),
        ("PageRank", kind, _("alpha {alpha}, converged in {n} iterations").format(
            alpha=r.alpha, n=f"{r.iterations:,}")),
        (_("Attributed GMV"), money(r.total_gmv),
         _("{n} promoters, paid and settled").format(n=f"{r.promoters:,}")),
        (_("GMV of the top {n}").format(n=f"{len(r.rows):,}"), money(r.top_gmv),
         _("{share} of attributed GMV").format(share=percent(r.top_gmv_share))),
        (_("Spearman ρ"), rho, _("PageRank vs attributed GMV over all members")),
    ])


def _ranking(r: InfluenceRanking) -> Table:
    table = columns(Table(title=_("Members by PageRank, with the revenue they bring"),
                          title_justify="left"),
                    ["#", _("member"), "PageRank", _("trusted by"), _("trust in (Σw)"),
                     _("orders"), _("GMV"), _("GMV #"), _("buyers"), _("outside orders"),
                     _("buyers' GMV"), _("commission")], left=(_("member"),))
    for m in r.rows:
        table.add_row(
            f"{m.rank:,}", m.member, f"{m.pagerank:.6f}", f"{m.trusted_by:,}",
            f"{m.trust_in:,.2f}", f"{m.orders:,}", money(m.gmv),
            "—" if m.gmv_rank is None else f"{m.gmv_rank:,}", f"{m.buyers:,}",
            f"{m.outside_orders:,}", money(m.reached_gmv), money(m.commission),
        )
    return table


def _seeds_summary(s: InfluenceSeeds) -> Table:
    if s.method == "imm":
        how = _("IMM/OPIM-C, ε = {epsilon}: (1 − 1/e − ε)-approximate with probability "
                "≥ 1 − 1/n").format(epsilon=s.epsilon)
        detail = _("{n} RR sets; certified ratio {ratio} (spread ≥ {low}, best ≤ {high})").format(
            n=f"{s.rr_sets:,}", ratio=f"{s.approximation:.3f}", low=f"{s.lower_bound:,.1f}",
            high=f"{s.upper_bound:,.1f}")
    else:
        how = _("CELF greedy on Monte-Carlo live-edge samples")
        detail = _("{n} samples").format(n=f"{s.runs:,}")
    return key_values(_("Influence maximisation: {k} seeds").format(k=f"{s.k:,}")
                      + _team(s.root_id), [
        _window(s.window),
        _members(s.members),
        (_("Trust edges"), f"{s.trust_edges:,}", _("a trusted member moves who trusts them")),
        (_("Method"), s.method, how),
        ("", "", detail),
        (_("Expected spread"), f"{s.spread:,.1f}",
         _("members (seeds included); {n} Monte-Carlo runs").format(n=f"{s.runs:,}")),
        (_("95% interval"), f"{s.ci_low:,.1f} .. {s.ci_high:,.1f}",
         _("{share} of members").format(share=_share(s.spread, s.members))),
        (_("Method's estimate"), f"{s.estimate:,.1f}",
         _("on the samples the seeds were chosen on")),
        (_("Random seed"), f"{s.seed}", _("the same seed gives the same answer")),
    ])


def _seeds(s: InfluenceSeeds) -> Table:
    table = columns(Table(title=_("Seeds in the order chosen"), title_justify="left"),
                    ["#", _("member"), _("marginal gain (members)"), _("cumulative"),
                     _("PageRank #")], left=(_("member"),))
    total = 0.0
    for seed in s.seeds:
        total += seed.marginal_gain
        table.add_row(f"{seed.position:,}", seed.member, f"{seed.marginal_gain:,.1f}",
                      f"{total:,.1f}", f"{seed.pagerank_rank:,}")
    return table


def _share(part: float, whole: int) -> str:
    return percent(part / whole if whole else None)
