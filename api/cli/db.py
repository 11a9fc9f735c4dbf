"""``refnet db start|stop|status``: the embedded FalkorDB server's lifecycle; on the
neo4j backend, ``status`` says which Neo4j refnet reaches and ``start``/``stop`` refuse."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import click

from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.errors import ConfigError
from refnet.graph.server import EmbeddedServer

from .output import console, friendly_errors

__all__ = ["db"]


@click.group()
def db() -> None:
    """Start, stop and inspect the embedded FalkorDB server."""


@db.command("start")
@click.option("--fsync", type=click.Choice(["everysec", "always"]), default=None,
              help="everysec loses at most about a second of writes on a crash; always loses none.")
@click.pass_obj
@friendly_errors
def db_start(config: Config, fsync: str | None) -> None:
    """Start the server for the data directory and leave it running."""
    _embedded_only(config, "start")
    server = EmbeddedServer(Config.from_env(data_dir=config.data_dir, fsync=fsync))
    running = server.status()
    if running is not None:
        console.print(f"already running for {server.data_dir} (pid {running.pid})")
        return
    info = server.start()
    for warning in info.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print(f"started FalkorDB for {info.data_dir} (pid {info.pid}, socket {info.socket})")


@db.command("stop")
@click.pass_obj
@friendly_errors
def db_stop(config: Config) -> None:
    """Stop the server cleanly (its append-only file is flushed first)."""
    _embedded_only(config, "stop")
    server = EmbeddedServer(config)
    if server.stop():
        console.print(f"stopped the server for {server.data_dir}")
    else:
        console.print(f"no server running for {server.data_dir}")


def _embedded_only(config: Config, command: str) -> None:
    """Refuse to start or stop an embedded server for a config that reaches Neo4j: it
    would not be the store that config reads, and Neo4j has its own service."""
    if config.backend == "neo4j":
        raise ConfigError(
            f"refnet db {command} runs the embedded FalkorDB; this configuration reaches "
            f"Neo4j at {config.redacted_uri}, which its own service starts and stops "
            f"(refnet db status says whether refnet reaches it)")


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
@friendly_errors
def db_status(config: Config, as_json: bool) -> None:
    """Say whether a server runs for the data directory (or which Neo4j refnet
    reaches), and what it holds."""
    if config.backend == "neo4j":
        _neo4j_status(config, as_json)
        return
    info = EmbeddedServer(config).status()
    if info is None:
        payload: dict[str, Any] = {"running": False, "data_dir": str(config.data_dir)}
    else:
        with open_store(config) as store:
            counts = store.run("network/counts").single()
            payload = {"running": True, **asdict(info), **store.server_info(), "counts": counts}
    if as_json:
        click.echo(json.dumps(payload, indent=2, default=str))
    elif not payload["running"]:
        console.print(f"not running (data dir {config.data_dir})")
    else:
        console.print(
            f"running: FalkorDB {payload['version']} pid {payload['pid']} "
            f"socket {payload['socket']}\n"
            f"graph {payload['graph']!r}: {payload['counts']['members']:,} members, "
            f"{payload['counts']['purchases']:,} purchases"
        )


def _neo4j_status(config: Config, as_json: bool) -> None:
    """The Neo4j refnet is configured for: server version, edition, database, whether
    Graph Data Science is there, and what the graph holds; never the password."""
    with open_store(config) as store:
        counts = store.run("network/counts").single()
        payload = {"running": True, **store.server_info(), "counts": counts}
    if as_json:
        click.echo(json.dumps(payload, indent=2, default=str))
        return
    console.print(
        f"connected: Neo4j {payload['version']} {payload['edition']} at {payload['uri']} "
        f"as {payload['user']}, database {payload['database']!r}; Graph Data Science "
        f"{'installed' if payload['gds'] else 'not installed'}\n"
        f"{payload['counts']['members']:,} members, "
        f"{payload['counts']['purchases']:,} purchases"
    )
