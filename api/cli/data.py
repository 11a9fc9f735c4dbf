"""``refnet generate``, ``refnet load`` and ``refnet profiles``: data in, with the
progress bars and load report that ``refnet demo`` shows too (``generate_network``,
``load_files``)."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.table import Table

from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.errors import BadInput
from refnet.graph.store import GraphStore
from refnet.loaders import jobs, privacy, synthetic
from refnet.loaders import load as loading
from refnet.loaders import profiles as profile_registry

from .. import render
from .output import console, friendly_errors

__all__ = ["generate", "generate_network", "load", "load_files", "profiles"]


@click.command()
@click.option("--members", type=click.IntRange(1, 50_000_000), default=20_000, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for the canonical CSV files.")
@click.option("--seed", type=int, default=synthetic.DEFAULT_SEED, show_default=True)
@click.option("--load", "then_load", is_flag=True, help="Load the files into the store too.")
@click.pass_obj
@friendly_errors
def generate(config: Config, members: int, out: Path, seed: int, then_load: bool) -> None:
    """Write a deterministic synthetic network as canonical CSV files."""
    stats = generate_network(members, out, seed)
    console.print(
        f"wrote {sum(stats.rows.values()):,} rows to {out}: {stats.members:,} members in "
        f"{stats.organizations:,} organizations, deepest chain {stats.max_depth} levels"
    )
    if then_load:
        with open_store(config) as store:
            load_files(store, config, [out])


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--profile", default="auto", show_default=True,
              help="Export profile to read the files with (see `refnet profiles`).")
@click.option("--profile-dir", "profile_dirs", multiple=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Extra directory of profile .toml files [env: REFNET_PROFILE_DIR].")
@click.option("--max-bad", callback=lambda _c, _p, v: _max_bad_option(v), default=None,
              help="Stop with an error past this many bad rows (N, or a percentage like 5%).")
@click.pass_obj
@friendly_errors
def load(config: Config, paths: tuple[Path, ...], profile: str,
         profile_dirs: tuple[Path, ...], max_bad: float | None) -> None:
    """Load export files, or directories of them, into the store."""
    with open_store(config) as store:
        load_files(store, config, list(paths), profile, _profile_dirs(profile_dirs), max_bad)


@click.command()
@click.option("--profile-dir", "profile_dirs", multiple=True,
              type=click.Path(file_okay=False, path_type=Path))
@friendly_errors
def profiles(profile_dirs: tuple[Path, ...]) -> None:
    """The export profiles refnet knows, built-in and user-added."""
    table = Table(title="Profiles", title_justify="left")
    table.add_column("name", no_wrap=True, style="bold")
    for name in ("platform", "writes", "from", "title"):
        table.add_column(name)
    builtin = profile_registry.builtin_dir()
    for p in profile_registry.load_profiles(_profile_dirs(profile_dirs)).values():
        origin = "built-in" if p.source.parent == builtin else str(p.source)
        table.add_row(p.name, p.platform or "", ", ".join(p.entities), origin, p.title)
    console.print(table)


def _profile_dirs(given: tuple[Path, ...]) -> list[Path]:
    env = os.environ.get("REFNET_PROFILE_DIR")
    return [*given, *([Path(env)] if env else [])]


def _max_bad_option(value: str | None) -> float | None:
    try:
        return loading.parse_max_bad(value)
    except BadInput as e:
        raise click.BadParameter(str(e)) from None


def generate_network(members: int, out: Path, seed: int) -> synthetic.NetworkStats:
    with render.progress_bar(console) as bar:
        task = bar.add_task("generate", total=None)

        def tick(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        return synthetic.generate(members, out, seed, progress=tick)


def load_files(store: GraphStore, config: Config, paths: list[Path], profile: str = "auto",
          profile_dirs: list[Path] | None = None,
          max_bad: float | None = None) -> loading.LoadReport:
    plan = loading.plan_files(paths, profile_registry.load_profiles(profile_dirs or []), profile)
    counts = [_count_lines(path) for path, *_ in plan]
    total = None if None in counts else sum(c for c in counts if c is not None)
    with render.progress_bar(console) as bar:
        task = bar.add_task("load", total=total)

        def tick(name: str, records: int) -> None:
            bar.update(task, description=name, advance=records)

        # quarantine goes where loads are kept, never among the inputs it would block
        report = loading.load_paths(store, paths, plan=plan, max_bad=max_bad, progress=tick,
                                    hasher=privacy.hasher_for(config.data_dir),
                                    quarantine_dir=jobs.loads_dir(config))
    for table in render.load_tables(report):
        console.print(table)
    if report.stubs:
        shown = ", ".join(report.stubs[:10]) + (" ..." if len(report.stubs) > 10 else "")
        console.print(f"{len(report.stubs):,} stub members for ids and accounts no member "
                      f"claims: {shown}")
    if report.quarantine:
        console.print(f"[yellow]{report.bad:,} bad rows were quarantined in "
                      f"{report.quarantine}[/]")
    return report


def _count_lines(path: Path) -> int | None:
    """About how many records a file holds, for the progress bar's total (None: unknown)."""
    if path.suffix.lower() == ".xlsx":
        return None
    with open(path, "rb") as f:
        return max(sum(c.count(b"\n") for c in iter(lambda: f.read(1 << 20), b"")) - 1, 0)
