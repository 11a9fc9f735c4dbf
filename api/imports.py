"""The files a ``startLoad`` may load: ones already on the server, or ones uploaded.

A server file is named relative to the import directory the operator configured
(``refnet serve --import-dir`` / ``REFNET_IMPORT_DIR``), and must stay inside it once
resolved: no absolute paths, no ``..``, no symlink leading out, so a key cannot make
the server read its own disk. With no import directory, only uploads are accepted.

An upload (the GraphQL multipart request spec) is stored under the data directory,
in a folder named for its bytes, with a sanitised name that keeps its suffix (the
readers go by it). The same file uploaded twice is stored once and gets the same
load id, so loading it again changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from refnet.graph.errors import BadInput, Forbidden, NotFound
from refnet.graph.text import shown
from refnet.loaders.load.plan import DATA_SUFFIXES

__all__ = ["save_uploads", "server_files"]


def server_files(import_dir: Path | None, names: Sequence[str]) -> list[Path]:
    """The files or folders ``names`` point at inside ``import_dir``."""
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
        found.append(path)
    return found


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
