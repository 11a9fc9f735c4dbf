"""``refnet query downline|compliance|influence|conversion|upline``: the four questions
(and a member's upline) on the command line, as tables or ``--json``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.store import GraphStore
from refnet.queries import compliance, conversion, downline, influence, window
from refnet.queries.compliance import policy
from refnet.queries.influence import cascade

from .. import render
from .output import F, friendly_errors, print_tables

__all__ = ["query"]


@click.group()
def query() -> None:
    """Ask the four questions: downline, compliance, influence, conversion."""


def window_options(days: int = window.DEFAULT_DAYS) -> Callable[[F], F]:
    """--as-of, --days, --since and --json: every question takes a window."""
    return functools.partial(_window_options, days=days)  # type: ignore[return-value]


def _window_options(fn: F, days: int) -> F:
    for option in reversed((
        click.option("--as-of", "as_of", default=None, metavar="DATE",
                     help="Ignore everything after this (2026-10-01 means the end of that "
                          "day, UTC; or an ISO time). Default: the latest event stored."),
        click.option("--days", type=click.IntRange(1, 3650), default=days,
                     show_default=True, help="The window's length, ending at --as-of."),
        click.option("--since", default=None, metavar="DATE",
                     help="The window's start instead of --days."),
        click.option("--json", "as_json", is_flag=True, help="Print JSON."),
    )):
        fn = option(fn)
    return fn


def _window(store: GraphStore, as_of: str | None, days: int, since: str | None) -> window.Window:
    return window.resolve(
        store,
        as_of=window.parse_instant(as_of) if as_of else None,
        days=days,
        since=window.parse_instant(since, end_of_day=False) if since else None,
    )


def _show(result: Any, tables: list[Any], as_json: bool) -> None:
    if as_json:
        click.echo(render.to_json(result))
        return
    print_tables(tables)


@query.command("downline")
@click.argument("root")
@click.option("--max-depth", type=click.IntRange(1, downline.MAX_DEPTH), default=None,
              help="Levels below the root to include [default: the whole tree].")
@click.option("--top", type=click.IntRange(1, downline.MAX_TOP), default=10, show_default=True,
              help="Branches to list.")
@window_options()
@click.pass_obj
@friendly_errors
def query_downline(config: Config, root: str, max_depth: int | None, top: int,
                   as_of: str | None, days: int, since: str | None, as_json: bool) -> None:
    """Is ROOT's team growing, active, buying, or hollow? Levels, branches, churn."""
    from ..render import downline as view

    with open_store(config) as store:
        result = downline.health(store, root, _window(store, as_of, days, since),
                                 max_depth=max_depth, top=top)
    _show(result, view.tables(result), as_json)


root_option = click.option("--root", "root_id", default=None, metavar="MEMBER",
                           help="Only this member's downline [default: the whole network].")


@query.command("compliance")
@click.option("--policy", "policy_name", default="cn", show_default=True, metavar="NAME|FILE",
              help=f"A preset ({', '.join(policy.presets())}) or a policy .toml file.")
@root_option
@click.option("--plan-levels", type=click.IntRange(1, 100), default=None,
              help="Levels the organization's payout plan pays: flags where commission "
                   "would flow deeper than the policy allows.")
@click.option("--evidence", "evidence_limit", type=click.IntRange(0, compliance.MAX_EVIDENCE),
              default=5, show_default=True, help="Evidence chains per flag (counts stay complete).")
@window_options(days=365)
@click.pass_obj
@friendly_errors
def query_compliance(config: Config, policy_name: str, root_id: str | None,
                     plan_levels: int | None, evidence_limit: int, as_of: str | None, days: int,
                     since: str | None, as_json: bool) -> None:
    """Pyramid-scheme signals judged by a policy: commission depth, people and levels,
    recruitment velocity, entry fees, internal consumption, data integrity."""
    from ..render import compliance as view

    chosen = policy.load(policy_name).with_plan_levels(plan_levels)
    with open_store(config) as store:
        result = compliance.report(store, chosen, _window(store, as_of, days, since),
                                   root_id=root_id, evidence_limit=evidence_limit)
    _show(result, view.tables(result), as_json)


@query.command("influence")
@click.option("--top", type=click.IntRange(1, influence.MAX_TOP), default=20, show_default=True,
              help="Members to list by PageRank.")
@click.option("--personalize", multiple=True, metavar="MEMBER",
              help="Personalized PageRank from these members (repeat the option).")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=influence.ALPHA, show_default=True, help="PageRank's damping factor.")
@click.option("--seeds", "k", type=click.IntRange(1, None), default=None, metavar="K",
              help="Instead of the ranking: choose K seed members who reach the most others "
                   "under the independent cascade model (trust weight = probability).")
@click.option("--method", type=click.Choice(influence.METHODS), default="imm",
              show_default=True,
              help="With --seeds: imm (reverse-reachable sets, any size) or celf (greedy "
                   f"with Monte-Carlo, at most {cascade.CELF_MAX_NODES:,} members).")
@click.option("--epsilon", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.5, show_default=True,
              help="With --seeds and imm: the approximation slack, (1 - 1/e - ε) with "
                   "probability 1 - 1/n; smaller is slower.")
@click.option("--runs", type=click.IntRange(1, 100_000), default=1_000, show_default=True,
              help="With --seeds: Monte-Carlo cascades for the spread's 95% interval "
                   "(and CELF's samples).")
@click.option("--random-seed", type=click.IntRange(0, None), default=0, show_default=True,
              help="With --seeds: the same random seed gives the same answer.")
@root_option
@window_options()
@click.pass_obj
@friendly_errors
def query_influence(config: Config, top: int, personalize: tuple[str, ...], alpha: float,
                    k: int | None, method: str, epsilon: float, runs: int, random_seed: int,
                    root_id: str | None, as_of: str | None, days: int, since: str | None,
                    as_json: bool) -> None:
    """Who moves buyers through trust: trust-weighted PageRank beside attributed GMV, or
    (--seeds K) the K members whose influence reaches the most others."""
    from ..render import influence as view

    with open_store(config) as store:
        w = _window(store, as_of, days, since)
        if k is None:
            result: Any = influence.rank(store, w, top=top, personalize=personalize,
                                         alpha=alpha, root_id=root_id)
        else:
            result = influence.seeds(store, w, k=k, method=method, epsilon=epsilon,
                                     runs=runs, seed=random_seed, root_id=root_id)
    _show(result, view.tables(result), as_json)


@query.command("conversion")
@click.option("--by", "group_by", type=click.Choice(conversion.GROUPS), default="trust",
              show_default=True,
              help="Split the funnel by promoter, trust (the clicker's trust in the promoter), "
                   "level (the promoter's depth) or channel.")
@click.option("--promoter", "promoter_id", default=None, metavar="MEMBER",
              help="Only this promoter's shares [default: every promoter].")
@click.option("--top", type=click.IntRange(1, conversion.MAX_TOP), default=20, show_default=True,
              help="Promoters to list, in the split and on each coverage-vs-conversion list.")
@click.option("--min-clicks", type=click.IntRange(1, 1_000_000), default=conversion.MIN_CLICKS,
              show_default=True, help="Clicks a promoter needs to be ranked by conversion.")
@root_option
@window_options(days=90)
@click.pass_obj
@friendly_errors
def query_conversion(config: Config, group_by: str, promoter_id: str | None, top: int,
                     min_clicks: int, root_id: str | None, as_of: str | None, days: int,
                     since: str | None, as_json: bool) -> None:
    """Shares → clicks → purchases, split by trust, level, channel or promoter; time to
    first purchase; coverage vs conversion side by side."""
    from ..render import conversion as view

    with open_store(config) as store:
        result = conversion.funnel(store, _window(store, as_of, days, since),
                                   promoter_id=promoter_id, group_by=group_by, top=top,
                                   min_clicks=min_clicks, root_id=root_id)
    _show(result, view.tables(result), as_json)


@query.command("upline")
@click.argument("member")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="The chain as it stood then. Default: everything stored.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
@friendly_errors
def query_upline(config: Config, member: str, as_of: str | None, as_json: bool) -> None:
    """The chain of referrers from MEMBER's root down to MEMBER."""
    from ..render import downline as view

    with open_store(config) as store:
        result = downline.upline(store, member, window.parse_instant(as_of) if as_of else None)
    _show(result, [view.upline_table(result)], as_json)
