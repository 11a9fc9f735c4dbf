"""``refnet report compliance|verify|list``: the compliance case file (``api.casefile``).

``compliance`` takes the case file's options (from ``CaseFileParams``, the ones GraphQL's
``makeCaseFile`` takes), makes the file, keeps it under the data dir and copies it to
``--out``. ``verify``
checks a file's seal and whether this data dir made it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import click

from refnet.graph import times
from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.queries.compliance import CaseFileParams

from .. import casefile
from ..casefile import kept
from ..language import _
from .output import console, friendly_errors
from .params import in_zone, options

__all__ = ["report"]


@click.group()
def report() -> None:
    """The compliance case file: make one, verify one, list those made."""


@report.command("compliance")
@click.option("--format", "fmt", type=click.Choice(casefile.FORMATS), default="html",
              show_default=True, help="HTML (prints from a browser) or PDF.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              required=True, help="Where to write the file (a copy of the one kept).")
@options(CaseFileParams)
@click.pass_obj
@friendly_errors
def report_compliance(config: Config, fmt: str, out: Path, **values: Any) -> None:
    """Make the compliance case file of ROOT's organization: the 2013 opinion's tiers and
    conditions, every flag with its rule and evidence, the relationship chart, and, with
    --whatif-levels or --whatif-entry remove, who would gain and lose under that rule."""
    params = CaseFileParams.from_kwargs(in_zone(CaseFileParams, values, config.timezone))
    with console.status(_("Making the case file…")), open_store(config) as store:
        record, path = casefile.make(store, params, fmt=fmt, data_dir=config.data_dir,
                                     made_by="cli", zone=config.timezone,
                                     lang=config.language)
    shutil.copyfile(path, out)
    console.print(_("case file {id}: {out} ({size} bytes)").format(
        id=record.id, out=out, size=f"{record.size:,}"))
    console.print(_("kept as {path}; SHA-256 {digest}").format(path=path,
                                                                digest=record.sha256))


@report.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
@friendly_errors
def report_verify(config: Config, file: Path) -> None:
    """Check FILE's seal, and whether this data dir made and kept it."""
    verdict = casefile.verify(file.read_bytes(), config.data_dir)
    console.print(_("sealed: SHA-256 {digest} over {n} bytes, unchanged").format(
        digest=verdict.sealed.sha256, n=f"{verdict.sealed.length:,}"))
    r = verdict.record
    if r is None:
        console.print(_("not a case file this data dir made ({where}): the seal shows the "
                        "file is whole, not who made it").format(where=kept.where(
                            config.data_dir)))
    else:
        console.print(_("made here: case file {id}, {when}, policy {policy}, data version "
                        "{version}").format(id=r.id, when=times.local(r.made_at),
                                            policy=r.policy, version=r.data_version))


@report.command("list")
@click.pass_obj
@friendly_errors
def report_list(config: Config) -> None:
    """The case files kept in the data dir, newest first."""
    records = kept.listing(config.data_dir)
    for r in records:
        console.print(f"{r.id}  {times.local(r.made_at)}  {r.format:<4}  {r.root}  "
                      f"{r.policy}  {r.made_by}")
    if not records:
        console.print(_("no case file yet: refnet report compliance ROOT --out FILE"))
