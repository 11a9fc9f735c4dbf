"""``refnet keys create|list|revoke``: API keys (``api.keys``)."""

from __future__ import annotations

from dataclasses import asdict

import click

from refnet.graph.config import Config
from refnet.graph.connect import open_store

from .. import keys as api_keys
from .. import render
from .output import console, friendly_errors

__all__ = ["keys"]


@click.group()
def keys() -> None:
    """Create, list and revoke API keys (roles: admin, compliance, organizer)."""


@keys.command("create")
@click.option("--role", type=click.Choice(api_keys.ROLES), required=True)
@click.option("--member", "member_id", default=None,
              help="For an organizer key: the member whose downline it sees.")
@click.option("--name", default=None, help="A note saying whose key it is.")
@click.pass_obj
@friendly_errors
def keys_create(config: Config, role: str, member_id: str | None, name: str | None) -> None:
    """Make a key and print its token once; refnet keeps only a hash of it."""
    with open_store(config) as store:
        new = api_keys.create(store, role, member_id=member_id, name=name)
    console.print(f"created {new.key.role} key {new.key.id} ({new.key.scope})")
    console.print("token (shown once; send it as 'Authorization: Bearer <token>'):")
    click.echo(new.token)


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
@friendly_errors
def keys_list(config: Config, as_json: bool) -> None:
    """Every key with its role, scope and state; never a secret."""
    with open_store(config) as store:
        listed = api_keys.list_keys(store)
    if as_json:
        click.echo(render.to_json([asdict(k) for k in listed]))
        return
    console.print(render.keys_table(listed))


@keys.command("revoke")
@click.argument("key_id")
@click.pass_obj
@friendly_errors
def keys_revoke(config: Config, key_id: str) -> None:
    """Stop a key working at once."""
    with open_store(config) as store:
        key = api_keys.revoke(store, key_id)
    console.print(f"revoked {key.role} key {key.id}")
