"""The ``refnet`` command line: parses arguments, calls the library, renders results.

No logic lives here. Every refnet error becomes one ``Error: ...`` line and exit
code 1 (2 for usage errors, as click does); a stack trace means a bug.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from refnet import __version__
from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.errors import BadInput, RefnetError
from refnet.graph.server import EmbeddedServer
from refnet.graph.store import GraphStore
from refnet.loaders import load as loading
from refnet.loaders import privacy, synthetic
from refnet.loaders import profiles as profile_registry
from refnet.queries import compliance, conversion, downline, influence, network, window
from refnet.queries.compliance import policy
from refnet.queries.influence import cascade

from . import keys as api_keys
from . import render

F = TypeVar("F", bound=Callable[..., Any])
# Piped output (a file, CI, a test) gets room for the wide tables instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 150)


def friendly_errors(fn: F) -> F:
    """Turn refnet's errors into click's one-line error and exit status."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RefnetError as e:
            raise click.ClickException(str(e)) from e

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(__version__, prog_name="refnet")
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default=None,
              help="Store to use [env: REFNET_BACKEND; default: embedded].")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Embedded store's data directory [env: REFNET_DATA_DIR].")
@click.option("--neo4j-uri", default=None, help="Neo4j URI [env: NEO4J_URI].")
@click.pass_context
def main(ctx: click.Context, backend: str | None, data_dir: Path | None,
         neo4j_uri: str | None) -> None:
    """refnet: graph analytics for social e-commerce referral networks."""
    try:
        ctx.obj = Config.from_env(backend=backend, data_dir=data_dir, neo4j_uri=neo4j_uri)
    except RefnetError as e:
        raise click.ClickException(str(e)) from e


# -- db ------------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Start, stop and inspect the embedded FalkorDB server."""


@db.command("start")
@click.option("--fsync", type=click.Choice(["everysec", "always"]), default=None,
              help="everysec loses at most about a second of writes on a crash; always loses none.")
@click.pass_obj
@friendly_errors
def db_start(config: Config, fsync: str | None) -> None:
    """Start the server for the data directory and leave it running."""
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
    server = EmbeddedServer(config)
    if server.stop():
        console.print(f"stopped the server for {server.data_dir}")
    else:
        console.print(f"no server running for {server.data_dir}")


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
@friendly_errors
def db_status(config: Config, as_json: bool) -> None:
    """Say whether a server runs for the data directory, and what it holds."""
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


# -- generate, load ------------------------------------------------------------------------


@main.command()
@click.option("--members", type=click.IntRange(1, 50_000_000), default=20_000, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for the canonical CSV files.")
@click.option("--seed", type=int, default=synthetic.DEFAULT_SEED, show_default=True)
@click.option("--load", "then_load", is_flag=True, help="Load the files into the store too.")
@click.pass_obj
@friendly_errors
def generate(config: Config, members: int, out: Path, seed: int, then_load: bool) -> None:
    """Write a deterministic synthetic network as canonical CSV files."""
    stats = _generate(members, out, seed)
    console.print(
        f"wrote {sum(stats.rows.values()):,} rows to {out}: {stats.members:,} members in "
        f"{stats.organizations:,} organizations, deepest chain {stats.max_depth} levels"
    )
    if then_load:
        with open_store(config) as store:
            _load(store, config, [out])


@main.command()
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
        _load(store, config, list(paths), profile, _profile_dirs(profile_dirs), max_bad)


@main.command()
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


def _generate(members: int, out: Path, seed: int) -> synthetic.NetworkStats:
    with render.progress_bar(console) as bar:
        task = bar.add_task("generate", total=None)

        def tick(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        return synthetic.generate(members, out, seed, progress=tick)


def _load(store: GraphStore, config: Config, paths: list[Path], profile: str = "auto",
          profile_dirs: list[Path] | None = None,
          max_bad: float | None = None) -> loading.LoadReport:
    plan = loading.plan_files(paths, profile_registry.load_profiles(profile_dirs or []), profile)
    counts = [_count_lines(path) for path, *_ in plan]
    total = None if None in counts else sum(c for c in counts if c is not None)
    with render.progress_bar(console) as bar:
        task = bar.add_task("load", total=total)

        def tick(name: str, records: int) -> None:
            bar.update(task, description=name, advance=records)

        report = loading.load_paths(store, paths, plan=plan, max_bad=max_bad, progress=tick,
                                    hasher=privacy.hasher_for(config.data_dir))
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


# -- query -----------------------------------------------------------------------------------


@main.group()
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
    _print(tables)


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
    from .render import downline as view

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
    from .render import compliance as view

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
    from .render import influence as view

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
    from .render import conversion as view

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
    from .render import downline as view

    with open_store(config) as store:
        result = downline.upline(store, member, window.parse_instant(as_of) if as_of else None)
    _show(result, [view.upline_table(result)], as_json)


# -- serve -----------------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes (about one per core).")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Threads per worker (requests wait on the store, not the CPU).")
@click.option("--dev", is_flag=True,
              help="Allow introspection and 'did you mean' hints (GraphiQL needs them).")
@click.option("--import-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              envvar="REFNET_IMPORT_DIR", default=None,
              help="Where startLoad may read files on this server [env: REFNET_IMPORT_DIR; "
                   "default: uploads only].")
@click.pass_obj
@friendly_errors
def serve(config: Config, host: str, port: int, workers: int, threads: int, dev: bool,
          import_dir: Path | None) -> None:
    """Serve the GraphQL API at http://HOST:PORT/graphql (GraphiQL in a browser)."""
    from .serve import serve as run

    console.print(f"refnet API on http://{host}:{port}/graphql "
                  f"({'development' if dev else 'production'} mode, {workers} workers)")
    run(config, host=host, port=port, workers=workers, threads=threads, production=not dev,
        import_dir=import_dir)


# -- keys ----------------------------------------------------------------------------------


@main.group()
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


# -- demo ----------------------------------------------------------------------------------


@main.command()
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
            console.print(
                f"using the {held:,}-member network already stored in {config.data_dir} "
                f"(--fresh rebuilds it)"
            )
        else:
            with tempfile.TemporaryDirectory(prefix="refnet-demo-") as tmp:
                _generate(members, Path(tmp), seed)
                _load(store, config, [Path(tmp)])
        _four_answers(store)


def _four_answers(store: GraphStore) -> None:
    """The network at a glance, then a short answer to each of the four questions."""
    from .render import compliance as compliance_view
    from .render import conversion as conversion_view
    from .render import downline as downline_view
    from .render import influence as influence_view

    summary = network.summary(store)
    console.print(render.summary_table(summary))
    if not summary.members:
        return
    month = window.resolve(store)
    console.rule("[bold]Downline health[/] of the largest organization (last 30 days)")
    if summary.largest:
        health = downline.health(store, summary.largest[0].root, month, top=3)
        _print(downline_view.brief(health))
    console.rule("[bold]Compliance[/] under the cn policy (last 365 days)")
    report = compliance.report(store, policy.load("cn"), window.resolve(store, days=365),
                               evidence_limit=1)
    _print(compliance_view.brief(report))
    console.rule("[bold]Influence[/]: trust-weighted PageRank and 5 IMM seeds (last 30 days)")
    _print(influence_view.brief(influence.rank(store, month, top=5),
                                influence.seeds(store, month, k=5, runs=200)))
    console.rule("[bold]Conversion[/] by trust in the promoter (last 90 days)")
    funnel = conversion.funnel(store, window.resolve(store, days=90), group_by="trust", top=5)
    _print(conversion_view.brief(funnel))
    console.print("[dim]More: refnet query downline|compliance|influence|conversion --help[/]")


def _print(tables: list[Any]) -> None:
    for table in tables:
        console.print(table)


if __name__ == "__main__":  # pragma: no cover
    main()
