"""Which files a load reads, with which profile, in which order, under which id."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from refnet.graph.errors import BadInput, NotFound

from .. import readers, write
from ..detect import detect
from ..profiles import Profile

__all__ = ["DATA_SUFFIXES", "OWN_SUFFIXES", "load_id", "plan_files"]

DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".jsonl", ".json", ".ndjson")
# refnet's own files: a quarantine file left in a folder (an older refnet wrote it beside
# the inputs) must not be read back as an export when the folder is loaded again.
OWN_SUFFIXES = (".bad.csv",)


def _is_input(path: Path) -> bool:
    name = path.name.lower()
    return (path.is_file() and path.suffix.lower() in DATA_SUFFIXES
            and not name.endswith(OWN_SUFFIXES))


def plan_files(
    paths: Iterable[Path], profiles: Mapping[str, Profile], profile: str | None = None
) -> list[tuple[Path, readers.Source, Profile, bool]]:
    """Every data file under ``paths`` with its source and profile, in write order.

    A folder gives its data files, not refnet's own (``OWN_SUFFIXES``); a file named
    explicitly is read whatever its name. A path that does not exist, or no data file at
    all, is ``NotFound``; an unknown profile name, or a header no profile (or more than
    one) matches, is ``BadInput``.
    """
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if _is_input(p))
        elif path.is_file():
            files.append(path)
        else:
            raise NotFound(f"{path} does not exist")
    if not files:
        raise NotFound(f"no data files in {', '.join(map(str, paths))}")
    planned = []
    for path in files:
        source = readers.open_source(path)
        if profile and profile != "auto":
            if profile not in profiles:
                raise BadInput(f"unknown profile {profile!r}; known: {', '.join(profiles)}")
            chosen, detected = profiles[profile], False
        else:
            try:
                chosen, detected = detect(source.header, profiles), True
            except BadInput as e:
                raise BadInput(f"{path}: {e}") from None
        planned.append((path, source, chosen, detected))
    order = {entity: i for i, entity in enumerate(write.ENTITIES)}
    planned.sort(key=lambda p: min(order[e] for e in p[2].entities))
    return planned


def load_id(paths: list[Path]) -> str:
    """A load id from the files' bytes: the same files always get the same id."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    return "load-" + digest.hexdigest()[:16]
