"""``refnet serve``: the GraphQL API under gunicorn (``api.serve``)."""

from __future__ import annotations

from pathlib import Path

import click

from refnet.graph.config import Config

from .output import console, friendly_errors

__all__ = ["serve"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes (about one per core).")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Threads per worker, for --worker-class gthread.")
@click.option("--worker-class", type=click.Choice(["gevent", "gthread"]), default="gevent",
              show_default=True,
              help="gevent: a slow client costs a connection, not a thread; gthread: "
                   "only behind a reverse proxy that buffers request bodies.")
@click.option("--dev", is_flag=True,
              help="Allow introspection and 'did you mean' hints (GraphiQL needs them).")
@click.option("--import-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              envvar="REFNET_IMPORT_DIR", default=None,
              help="Where startLoad may read files on this server [env: REFNET_IMPORT_DIR; "
                   "default: uploads only].")
@click.pass_obj
@friendly_errors
def serve(config: Config, host: str, port: int, workers: int, threads: int,
          worker_class: str, dev: bool, import_dir: Path | None) -> None:
    """Serve the GraphQL API at http://HOST:PORT/graphql (GraphiQL in a browser)."""
    from ..serve import serve as run

    console.print(f"refnet API on http://{host}:{port}/graphql "
                  f"({'development' if dev else 'production'} mode, "
                  f"{workers} {worker_class} workers)")
    run(config, host=host, port=port, workers=workers, threads=threads, production=not dev,
        import_dir=import_dir, worker_class=worker_class)
