"""Influence as tables a person reads: PageRank beside revenue, and the chosen seeds.

``tables(answer)`` takes the influence question's answer: the ranking (summary +
members by PageRank with their attributed GMV) and, when seeds were asked for, the
seed set (summary + seeds with their marginal gains).
"""

from __future__ import annotations

from rich.table import Table

from refnet.api.render import money, percent
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


def _key_values(title: str, rows: list[tuple[str, str, str]]) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_column("", style="dim")
    for row in rows:
        table.add_row(*row)
    return table


def _team(root_id: str | None) -> str:
    return f" within {root_id}'s downline" if root_id else ""


def _window(w: dict) -> tuple[str, str, str]:
    return ("Window", f"{w['since']} .. {w['as_of']}", "since < t <= as of; trust as of the end")


def _ranking_summary(r: InfluenceRanking) -> Table:
    kind = (f"personalized from {', '.join(r.personalized)}" if r.personalized
            else "global")
    rho = "—" if r.spearman is None else f"{r.spearman:+.3f}"
    return _key_values("Influence: trust-weighted PageRank" + _team(r.root_id), [
        _window(r.window),
        ("Members", f"{r.members:,}", "joined by the window's end"),
        ("Trust edges", f"{r.trust_edges:,}", "rank flows from truster to trusted"),
        ("PageRank", kind, f"alpha {r.alpha}, converged in {r.iterations:,} iterations"),
        ("Attributed GMV", money(r.total_gmv), f"{r.promoters:,} promoters, paid and settled"),
        (f"GMV of the top {len(r.rows):,}", money(r.top_gmv), percent(r.top_gmv_share)
         + " of attributed GMV"),
        ("Spearman ρ", rho, "PageRank vs attributed GMV over all members"),
    ])


def _ranking(r: InfluenceRanking) -> Table:
    table = Table(title="Members by PageRank, with the revenue they bring",
                  title_justify="left")
    for name, justify in (("#", "right"), ("member", "left"), ("PageRank", "right"),
                          ("trusted by", "right"), ("trust in (Σw)", "right"),
                          ("orders", "right"), ("GMV", "right"), ("GMV #", "right"),
                          ("buyers", "right"), ("outside orders", "right"),
                          ("buyers' GMV", "right"), ("commission", "right")):
        table.add_column(name, justify=justify)
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
        how = (f"IMM/OPIM-C, ε = {s.epsilon}: (1 − 1/e − ε)-approximate with "
               f"probability ≥ 1 − 1/n")
        detail = (f"{s.rr_sets:,} RR sets; certified ratio {s.approximation:.3f} "
                  f"(spread ≥ {s.lower_bound:,.1f}, best ≤ {s.upper_bound:,.1f})")
    else:
        how = "CELF greedy on Monte-Carlo live-edge samples"
        detail = f"{s.runs:,} samples"
    return _key_values(f"Influence maximisation: {s.k:,} seeds" + _team(s.root_id), [
        _window(s.window),
        ("Members", f"{s.members:,}", "joined by the window's end"),
        ("Trust edges", f"{s.trust_edges:,}", "a trusted member moves who trusts them"),
        ("Method", s.method, how),
        ("", "", detail),
        ("Expected spread", f"{s.spread:,.1f}", f"members (seeds included); "
                                                f"{s.runs:,} Monte-Carlo runs"),
        ("95% interval", f"{s.ci_low:,.1f} .. {s.ci_high:,.1f}",
         f"{_share(s.spread, s.members)} of members"),
        ("Method's estimate", f"{s.estimate:,.1f}", "on the samples the seeds were chosen on"),
        ("Random seed", f"{s.seed}", "the same seed gives the same answer"),
    ])


def _seeds(s: InfluenceSeeds) -> Table:
    table = Table(title="Seeds in the order chosen", title_justify="left")
    for name, justify in (("#", "right"), ("member", "left"),
                          ("marginal gain (members)", "right"), ("cumulative", "right"),
                          ("PageRank #", "right")):
        table.add_column(name, justify=justify)
    total = 0.0
    for seed in s.seeds:
        total += seed.marginal_gain
        table.add_row(f"{seed.position:,}", seed.member, f"{seed.marginal_gain:,.1f}",
                      f"{total:,.1f}", f"{seed.pagerank_rank:,}")
    return table


def _share(part: float, whole: int) -> str:
    return percent(part / whole if whole else None)
