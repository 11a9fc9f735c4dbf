"""Loads over the API: the ``LoadRun`` type, ``loadRun``/``loadRuns``, and ``startLoad``
with its uploads.

``startLoad`` takes files from the server's import directory or from the request
(``api.imports`` decides which are allowed) and hands them to a background load
(``loaders.jobs``); the caller follows the run with ``loadRun(id)``.
"""

from __future__ import annotations

import json
from typing import Any

import graphene

from refnet.graph.errors import BadInput, NotFound

from .. import imports
from ..answers import iso
from .context import Context

__all__ = ["LoadMutations", "LoadQueries", "LoadRun", "StartLoad", "Upload", "load_run"]


class LoadRun(graphene.ObjectType):
    """One run of ``refnet load`` or ``startLoad``: what it read and what it wrote."""

    id = graphene.ID(required=True, description="The load id (from the files' bytes).")
    source = graphene.String(description="What was loaded.")
    profile = graphene.String(description="The export profile(s) used.")
    status = graphene.String(description="queued, running, finished, failed, or stopped: "
                                         "its process died (no heartbeat for a minute); "
                                         "start the same files again to resume it.")
    started_at = graphene.String(description="When it started (ISO-8601).")
    finished_at = graphene.String(description="When it finished, or last changed state "
                                              "(ISO-8601).")
    records = graphene.Int(description="Records read so far (updated every few seconds "
                                       "while it runs).")
    error = graphene.String(description="Why it failed; null unless status is failed.")
    counts = graphene.JSONString(description="Rows per entity: read, written, duplicates, "
                                             "quarantined.")

    @staticmethod
    def from_row(row: dict[str, Any]) -> LoadRun:
        return LoadRun(id=row["id"], source=row["source"], profile=row["profile"],
                       status=row["status"], started_at=iso(row["started_at"]),
                       finished_at=iso(row["finished_at"]), records=row["records"],
                       error=row["error"],
                       counts=json.loads(row["counts"]) if row["counts"] else None)


def load_run(ctx: Context, run_id: str) -> LoadRun | None:
    rows = ctx.store.run("schema/load_run", {"id": run_id}).records()
    return LoadRun.from_row(rows[0]) if rows else None


class Upload(graphene.Scalar):
    """A file sent with the request as a multipart part (the GraphQL multipart request
    spec); input only."""

    @staticmethod
    def serialize(value: Any) -> Any:
        raise BadInput("an Upload is input only")

    @staticmethod
    def parse_value(value: Any) -> Any:
        return value  # the multipart layer put the file itself here

    @staticmethod
    def parse_literal(node: Any, _variables: Any = None) -> Any:
        raise BadInput("an Upload is a file sent as a multipart part, not a literal")


class StartLoad(graphene.Mutation):
    """Load export files in the background; poll ``loadRun(id)`` to follow it."""

    class Arguments:
        paths = graphene.List(graphene.NonNull(graphene.String),
                              description="Files or folders in the server's import directory.")
        files = graphene.List(graphene.NonNull(Upload), description="Files sent with the "
                                                                    "request instead.")
        profile = graphene.String(default_value="auto",
                                  description="The export profile; auto recognises it from "
                                              "the header.")
        max_bad = graphene.String(description="Stop past this many bad rows: a count (50) or "
                                              "a share (5%); default: no limit.")

    run = graphene.Field(graphene.NonNull(LoadRun), description="The run, as it stands.")
    started = graphene.Boolean(required=True, description="False when the same files were "
                                                          "already loading (that run is "
                                                          "returned).")

    @staticmethod
    def mutate(_root: Any, info: Any, paths: list[str] | None = None,
               files: list[Any] | None = None, profile: str = "auto",
               max_bad: str | None = None) -> StartLoad:
        ctx: Context = info.context
        ctx.scope.require("admin")
        if ctx.config is None:
            raise BadInput("this server cannot start loads")
        started = imports.start_load(ctx.store, ctx.config, ctx.import_dir, paths=paths or (),
                                     files=files or (), profile=profile, max_bad=max_bad)
        run = load_run(ctx, started.load_id)
        if run is None:  # the run was recorded before this read; only a clear can do this
            raise NotFound(f"load run {started.load_id} vanished")
        return StartLoad(run=run, started=started.started)


class LoadQueries(graphene.ObjectType):
    """The root fields that read load history (admin and compliance keys)."""

    load_run = graphene.Field(LoadRun, id=graphene.ID(required=True, description="Load id."),
                              description="One load run, e.g. one started by startLoad "
                                          "(admin and compliance keys).")
    load_runs = graphene.List(graphene.NonNull(LoadRun), required=True,
                              last=graphene.Int(default_value=20,
                                                description="How many, newest first."),
                              description="The history of loads (admin and compliance keys).")

    @staticmethod
    def resolve_load_runs(_root: Any, info: Any, last: int = 20) -> list[LoadRun]:
        ctx: Context = info.context
        ctx.scope.require("admin", "compliance")
        if not 0 < last <= 100:
            raise BadInput("last must be within 1..100")
        return [LoadRun.from_row(r)
                for r in ctx.store.run("schema/load_runs", {"limit": last}).records()]

    @staticmethod
    def resolve_load_run(_root: Any, info: Any, id: str) -> LoadRun | None:
        ctx: Context = info.context
        ctx.scope.require("admin", "compliance")
        return load_run(ctx, id)


class LoadMutations(graphene.ObjectType):
    """The mutation that starts a load (admin keys)."""

    start_load = StartLoad.Field(description="Load export files in the background (from the "
                                             "server's import directory, or uploaded).")
