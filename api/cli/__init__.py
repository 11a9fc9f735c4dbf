"""The ``refnet`` command line: parses arguments, calls the library, renders results.

No logic lives here. Every refnet error becomes one ``Error: ...`` line and exit
code 1 (2 for usage errors, as click does); a stack trace means a bug.

One module per command group: ``db``, ``data`` (generate, load, profiles), ``query``,
``serve``, ``keys``, ``demo``; ``output`` holds what they share. This module defines
the ``main`` group with the global options; a command's module is imported when that
command runs (``_Commands``), so ``refnet query downline`` does not pay for the
loaders, the web server or the algorithms' libraries. The command modules never
import this one back, so there is no import cycle.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import MappingProxyType
from typing import Final

import click

from refnet import __version__
from refnet.api import language
from refnet.graph import times
from refnet.graph.config import LANGUAGES, Config
from refnet.graph.errors import RefnetError

from .output import console, friendly_errors

__all__ = ["console", "friendly_errors", "main"]


class _Commands(click.Group):
    """The commands by name, each imported from its module on first use (the lazy
    subcommands of click's documentation)."""

    WHERE: Final = MappingProxyType({
        "db": "db", "generate": "data", "load": "data", "profiles": "data", "query": "query",
        "serve": "serve", "keys": "keys", "demo": "demo", "report": "report"})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.WHERE)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.WHERE:
            return None
        module = importlib.import_module(f"{__name__}.{self.WHERE[cmd_name]}")
        command: click.Command = getattr(module, cmd_name)
        return command


@click.group(cls=_Commands)
@click.version_option(__version__, prog_name="refnet")
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default=None,
              help="Store to use [env: REFNET_BACKEND; default: embedded].")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Embedded store's data directory [env: REFNET_DATA_DIR].")
@click.option("--neo4j-uri", default=None, help="Neo4j URI [env: NEO4J_URI].")
@click.option("--tz", default=None, metavar="ZONE",
              help="The organization's time zone: times print in it and a bare date "
                   "(--as-of 2026-11-01) is its day [env: REFNET_TZ; default: "
                   "Asia/Shanghai].")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="The tables' language: zh (中文) or en [env: REFNET_LANG; default: zh].")
@click.pass_context
def main(ctx: click.Context, backend: str | None, data_dir: Path | None,
         neo4j_uri: str | None, tz: str | None, lang: str | None) -> None:
    """refnet: graph analytics for social e-commerce referral networks."""
    try:
        ctx.obj = Config.from_env(backend=backend, data_dir=data_dir, neo4j_uri=neo4j_uri,
                                  timezone=tz, language=lang)
        language.use(ctx.obj.language)
    except RefnetError as e:
        raise click.ClickException(str(e)) from e
    times.show_in(ctx.obj.timezone)
