"""``refnet query downline|compliance|influence|conversion|upline``: the four questions
(and a member's upline) on the command line, as tables or ``--json``.

Each command's arguments and options are generated from its question's ``Params``
(``cli.params``), so they are the GraphQL field's arguments under the same names,
defaults and bounds; the command only builds the ``Params``, asks, and prints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.queries import compliance, conversion, downline, influence
from refnet.queries.params import Params

from .. import render
from .output import F, friendly_errors, print_tables
from .params import options

__all__ = ["query"]


@click.group()
def query() -> None:
    """Ask the four questions: downline, compliance, influence, conversion."""


def question(cls: type[Params]) -> Callable[[F], F]:
    """A ``query`` subcommand named for ``cls.question``, with its options and --json."""

    def decorate(fn: F) -> F:
        fn = friendly_errors(fn)
        fn = click.pass_obj(fn)
        fn = click.option("--json", "as_json", is_flag=True, help="Print JSON.")(fn)
        fn = options(cls)(fn)
        return query.command(cls.question)(fn)  # type: ignore[return-value]

    return decorate


def _show(result: Any, tables: list[Any], as_json: bool) -> None:
    if as_json:
        click.echo(render.to_json(result))
        return
    print_tables(tables)


@question(downline.DownlineParams)
def query_downline(config: Config, as_json: bool, **values: Any) -> None:
    """Is ROOT's team growing, active, buying, or hollow? Levels, branches, churn."""
    from ..render import downline as view

    params = downline.DownlineParams.from_kwargs(values)
    with open_store(config) as store:
        result = downline.ask(store, params)
    _show(result, view.tables(result), as_json)


@question(compliance.ComplianceParams)
def query_compliance(config: Config, as_json: bool, **values: Any) -> None:
    """Pyramid-scheme signals judged by a policy (a preset or a .toml file): commission
    depth, people and levels, recruitment velocity, entry fees, internal consumption,
    data integrity."""
    from ..render import compliance as view

    params = compliance.ComplianceParams.from_kwargs(values)
    with open_store(config) as store:
        result = compliance.ask(store, params)
    _show(result, view.tables(result), as_json)


@question(influence.InfluenceParams)
def query_influence(config: Config, as_json: bool, **values: Any) -> None:
    """Who moves buyers through trust: trust-weighted PageRank beside attributed GMV and,
    with --seeds K, the K members whose influence reaches the most others."""
    from ..render import influence as view

    params = influence.InfluenceParams.from_kwargs(values)
    with open_store(config) as store:
        result = influence.ask(store, params)
    _show(result, view.tables(result), as_json)


@question(conversion.ConversionParams)
def query_conversion(config: Config, as_json: bool, **values: Any) -> None:
    """Shares → clicks → purchases, split by trust, level, channel or promoter; time to
    first purchase; coverage vs conversion side by side."""
    from ..render import conversion as view

    params = conversion.ConversionParams.from_kwargs(values)
    with open_store(config) as store:
        result = conversion.ask(store, params)
    _show(result, view.tables(result), as_json)


@question(downline.UplineParams)
def query_upline(config: Config, as_json: bool, **values: Any) -> None:
    """The chain of referrers from MEMBER's root down to MEMBER."""
    from ..render import downline as view

    params = downline.UplineParams.from_kwargs(values)
    with open_store(config) as store:
        result = downline.ask_upline(store, params)
    _show(result, [view.upline_table(result)], as_json)
