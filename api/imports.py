"""The files a ``startLoad`` may load: ones already on the server, or ones uploaded.

A server file is named relative to the import directory the operator configured
(``refnet serve --import-dir`` / ``REFNET_IMPORT_DIR``), and must stay inside it once
resolved: no absolute paths, no ``..``, no symlink leading out, so a key cannot make
the server read its own disk. A folder is expanded here, as ``plan_files`` would, and
every file in it resolved and held to the same rule (a symlink inside a folder once
loaded a file from outside). With no import directory, only uploads are accepted.

What a load refuses reaches the client through ``public``: names relative to the
import directory (or the uploaded name), never a server path, and never the file's
header — the CLI shows both, the file being the user's own.

An upload (the GraphQL multipart request spec) is stored under the data directory,
in a folder named for its bytes, with a sanitised name that keeps its suffix (the
readers go by it). The same file uploaded twice is stored once and gets the same
load id, so loading it again changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from refnet.graph.config import Config
from refnet.graph.errors import BadInput, Forbidden, NotFound, RefnetError
from refnet.graph.store import GraphStore
from refnet.graph.text import shown
from refnet.loaders import jobs
from refnet.loaders import load as loading
from refnet.loaders.load.plan import DATA_SUFFIXES

__all__ = ["public", "save_uploads", "server_files", "start_load"]


def start_load(store: GraphStore, config: Config, import_dir: Path | None, *,
               paths: Sequence[str] = (), files: Sequence[Any] = (), profile: str = "auto",
               max_bad: str | None = None) -> jobs.Started:
    """Start a background load of server files (``paths``) or uploads (``files``): the
    one way in for GraphQL's ``startLoad`` and the web app's upload form. The caller
    checks the role; refusals name no server path (``public``)."""
    if bool(paths) == bool(files):
        raise BadInput("give either paths (files on the server) or files (uploads)")
    uploads = Path(config.data_dir) / "uploads"
    chosen = server_files(import_dir, paths) if paths else save_uploads(uploads, files)
    limit = loading.parse_max_bad(max_bad)
    try:
        return jobs.start(store, config, chosen, profile=profile, max_bad=limit)
    except RefnetError as e:  # the plan's refusals name server paths and headers
        if e.api_code == "INTERNAL":
            raise
        raise public(e, import_dir, uploads) from None


def server_files(import_dir: Path | None, names: Sequence[str]) -> list[Path]:
    """The data files ``names`` point at inside ``import_dir``, folders expanded, each
    resolved, each once."""
    if import_dir is None:
        raise Forbidden("this server has no import directory (refnet serve --import-dir); "
                        "upload the files instead")
    root = import_dir.resolve()
    found = []
    for name in names:
        if not name or Path(name).is_absolute():
            raise BadInput(f"{shown(name)}: name a file relative to the import directory")
        path = (root / name).resolve()
        if not path.is_relative_to(root):
            raise BadInput(f"{shown(name)} leads outside the import directory")
        if not path.exists():
            raise NotFound(f"{shown(name)} is not in the import directory")
        found += _folder(root, name, path) if path.is_dir() else [path]
    return list(dict.fromkeys(found))  # a file named twice (itself, its folder) loads once


def _folder(root: Path, name: str, folder: Path) -> list[Path]:
    """The data files directly in ``folder`` (``plan_files``' rule), each resolved and
    refused if it lands outside ``root``."""
    files = []
    for entry in sorted(folder.iterdir()):
        if entry.suffix.lower() not in DATA_SUFFIXES:
            continue
        real = entry.resolve()
        if not real.is_relative_to(root):
            raise BadInput(f"{shown(str(entry.relative_to(root)))} leads outside the import "
                           "directory")
        if real.is_file():
            files.append(real)
    if not files:
        raise NotFound(f"no data files in {shown(name)}")
    return files


_HEADER = re.compile(r"the header \[.*\](?=; closest: )", re.DOTALL)


def public(error: RefnetError, import_dir: Path | None, uploads_dir: Path) -> RefnetError:
    """``error`` as an API client may read it: server paths made relative (an upload's
    folder dropped), and a header no profile matched not repeated."""
    message = _HEADER.sub("its header", str(error))
    uploads = re.escape(str(uploads_dir.resolve()))
    message = re.sub(uploads + r"/[0-9a-f]{16}/", "", message)
    if import_dir is not None:
        root = str(import_dir.resolve())
        message = message.replace(root + "/", "").replace(root, "the import directory")
    data_dir = str(uploads_dir.resolve().parent)
    message = message.replace(data_dir, "the data directory")
    return type(error)(message)


def save_uploads(uploads_dir: Path, files: Sequence[Any]) -> list[Path]:
    """Store uploaded files; each lands in a folder named for its bytes."""
    saved = []
    for upload in files:
        if not isinstance(upload, FileStorage):
            raise BadInput("files must be sent as multipart uploads")
        name = secure_filename(upload.filename or "") or "upload.csv"
        if not name.lower().endswith(DATA_SUFFIXES):
            raise BadInput(f"{shown(upload.filename)}: a load reads "
                           f"{', '.join(DATA_SUFFIXES)} files")
        saved.append(_store(uploads_dir, name, upload))
    return saved


def _store(uploads_dir: Path, name: str, upload: FileStorage) -> Path:
    uploads_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    fd, temp = tempfile.mkstemp(dir=uploads_dir, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := upload.stream.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        folder = uploads_dir / digest.hexdigest()[:16]
        folder.mkdir(exist_ok=True)
        target = folder / name
        if target.exists():
            os.unlink(temp)
        else:
            shutil.move(temp, target)
        return target
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
