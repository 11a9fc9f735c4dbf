"""``refnet demo``: a synthetic network, loaded, and a short answer to each question."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.store import GraphStore
from refnet.loaders import synthetic
from refnet.queries import compliance, conversion, downline, influence, network

from .. import render
from ..language import _
from .data import generate_network, load_files
from .output import console, friendly_errors, print_tables

__all__ = ["demo"]


@click.command()
@click.option("--members", type=click.IntRange(10, 5_000_000), default=20_000, show_default=True)
@click.option("--seed", type=int, default=synthetic.DEFAULT_SEED, show_default=True)
@click.option("--fresh", is_flag=True, help="Drop the stored network and build it again.")
@click.pass_obj
@friendly_errors
def demo(config: Config, members: int, seed: int, fresh: bool) -> None:
    """Build a synthetic network, load it, and print what refnet sees in it."""
    with open_store(config) as store:
        if fresh:
            store.clear()
        held = int(store.run("network/counts").single()["members"])
        if held:
            console.print(_("using the {n}-member network already stored in {where} "
                            "(--fresh rebuilds it)").format(n=f"{held:,}", where=config.data_dir))
        else:
            with tempfile.TemporaryDirectory(prefix="refnet-demo-") as tmp:
                generate_network(members, Path(tmp), seed)
                load_files(store, config, [Path(tmp)])
        _four_answers(store)


def _four_answers(store: GraphStore) -> None:
    """The network at a glance, then a short answer to each of the four questions."""
    from ..render import compliance as compliance_view
    from ..render import conversion as conversion_view
    from ..render import downline as downline_view
    from ..render import influence as influence_view

    summary = network.summary(store)
    console.print(render.summary_table(summary))
    if not summary.members:
        return
    console.rule(_("[bold]Downline health[/] of the largest organization (last 30 days)"))
    if summary.largest:
        health = downline.ask(store, downline.DownlineParams(
            root_id=summary.largest[0].root, top=3))
        print_tables(downline_view.brief(health))
    console.rule(_("[bold]Compliance[/] under the cn policy (last 365 days)"))
    report = compliance.ask(store, compliance.ComplianceParams(evidence=1))
    print_tables(compliance_view.brief(report))
    console.rule(_("[bold]Influence[/]: trust-weighted PageRank and 5 IMM seeds "
                   "(last 30 days)"))
    answer = influence.ask(store, influence.InfluenceParams(top=5, seeds=5, runs=200))
    assert answer.seeds is not None  # seeds=5 asks for them
    print_tables(influence_view.brief(answer.ranking, answer.seeds))
    console.rule(_("[bold]Conversion[/] by trust in the promoter (last 90 days)"))
    funnel = conversion.ask(store, conversion.ConversionParams(top=5))
    print_tables(conversion_view.brief(funnel))
    console.print(_("[dim]More: refnet query downline|compliance|influence|conversion "
                    "--help[/]"))
