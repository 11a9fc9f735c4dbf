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
from refnet.graph.store import GraphStore
from refnet.queries import compliance, conversion, downline, influence
from refnet.queries.params import Params

from .. import render
from ..render import compliance as compliance_view
from ..render import conversion as conversion_view
from ..render import downline as downline_view
from ..render import influence as influence_view
from .output import friendly_errors, print_tables
from .params import in_zone, options

__all__ = ["query"]


@click.group()
def query() -> None:
    """Ask the four questions: downline, compliance, influence, conversion."""


def _command(cls: type[Params], ask: Callable[[GraphStore, Any], Any],
             tables: Callable[[Any], list[Any]], help: str) -> click.Command:
    """The ``query`` subcommand for one question: its Params as options, then ask and
    print (``--json``: the answer as JSON, money in fen and times in epoch ms)."""

    def run(config: Config, as_json: bool, **values: Any) -> None:
        params = cls.from_kwargs(in_zone(cls, values, config.timezone))
        with open_store(config) as store:
            result = ask(store, params)
        if as_json:
            click.echo(render.to_json(result))
        else:
            print_tables(tables(result))

    run.__doc__ = help
    fn: Any = friendly_errors(run)
    fn = click.pass_obj(fn)
    fn = click.option("--json", "as_json", is_flag=True, help="Print JSON.")(fn)
    return click.command(cls.question)(options(cls)(fn))


for _command_args in (
    (downline.DownlineParams, downline.ask, downline_view.tables,
     "Is ROOT's team growing, active, buying, or hollow? Levels, branches, churn."),
    (compliance.ComplianceParams, compliance.ask, compliance_view.tables,
     "Pyramid-scheme signals judged by a policy (a preset or a .toml file): commission "
     "depth, people and levels, recruitment velocity, entry fees, internal consumption, "
     "data integrity."),
    (influence.InfluenceParams, influence.ask, influence_view.tables,
     "Who moves buyers through trust: trust-weighted PageRank beside attributed GMV and, "
     "with --seeds K, the K members whose influence reaches the most others."),
    (conversion.ConversionParams, conversion.ask, conversion_view.tables,
     "Shares → clicks → purchases, split by trust, level, channel or promoter; time to "
     "first purchase; coverage vs conversion side by side."),
    (downline.UplineParams, downline.ask_upline, lambda up: [downline_view.upline_table(up)],
     "The chain of referrers from MEMBER's root down to MEMBER."),
):
    query.add_command(_command(*_command_args))
