"""A data directory that cannot be written: one clear error from each command, no
traceback. Read-only for real — a read-only bind mount, or ``chattr +i`` where bind
mounts are not allowed (as root, ``chmod 0500`` alone does not stop writes); skipped
when neither can be made here.

There is no Neo4j twin: what needs the directory writable is the embedded server's
lock, socket, log and data, and on Neo4j these commands answer from a read-only data
dir (tried: ``db status``, ``query downline``, ``query compliance``, ``keys list`` exit
0 without a traceback).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serving import REPO


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "server.lock").touch()  # left by an earlier server: status opens it
    data.chmod(0o500)
    undo: list[str] = []
    try:
        _run("mount", "--bind", "-o", "ro", str(data), str(data))
        undo = ["umount", str(data)]
    except (OSError, subprocess.CalledProcessError):
        try:
            _run("chattr", "+i", str(data))
            undo = ["chattr", "-i", str(data)]
        except (OSError, subprocess.CalledProcessError):
            pass
    if os.access(data, os.W_OK) and not undo:
        pytest.skip("cannot make a directory read-only here (no bind mount, no chattr)")
    try:
        yield data
    finally:
        if undo:
            _run(*undo)
        data.chmod(0o700)


@pytest.mark.parametrize("command", [["db", "start"], ["db", "status"],
                                     ["query", "downline", "a"]])
def test_a_read_only_data_dir_is_one_clear_error(read_only_dir: Path,
                                                 command: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFNET_", "NEO4J_"))}
    done = subprocess.run([sys.executable, "-m", "refnet.api.cli", "--data-dir",
                           str(read_only_dir), *command], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120)
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    if command == ["db", "status"]:  # nothing to write: it can tell, and does
        assert done.returncode == 0 and "not running" in output
        return
    assert done.returncode == 1
    assert output.startswith(f"Error: the data directory {read_only_dir} is not writable")
    assert "--data-dir or REFNET_DATA_DIR" in output
