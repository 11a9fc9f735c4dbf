"""A real Neo4j 5.26 with Graph Data Science for the tests and the benchmarks.

Neo4j runs in process in a JVM from Maven Central's ``neo4j-harness`` (``pom.xml``
pins it and OpenGDS), started by a ~50-line single-file Java launcher (``Server.java``)
without a build. The jars are resolved once with Maven (``dependency:copy-dependencies``
into a cache folder keyed by the pom's hash: the first run downloads ~160 MB into the
user's Maven repository, later runs start without Maven). Bolt listens on a loopback
port the OS picks; authentication is on, with a password generated per start.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["Neo4jServer", "missing_tools", "resolve", "start"]

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
LAUNCHER = HERE / "Server.java"


def missing_tools() -> str | None:
    """Why a Neo4j cannot be started here, or None when Java and Maven are present."""
    absent = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if absent:
        return f"{' and '.join(absent)} not on PATH: no Neo4j to test against (set NEO4J_URI)"
    return None


def resolve() -> Path:
    """The folder holding every jar the launcher needs, resolved with Maven once."""
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()[:12]
    base = Path(os.environ.get("REFNET_NEO4J_CACHE")
                or Path(platformdirs.user_cache_dir("refnet")) / "neo4j-test")
    lib = base / digest / "lib"
    done = lib / ".resolved"
    if done.exists():
        return lib
    staging = base / digest / f"lib.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    # prependGroupId: the launcher finds the GDS procedure jars by name (org.neo4j.gds.*)
    subprocess.run(
        ["mvn", "-B", "-q", "-f", str(POM), "dependency:copy-dependencies",
         f"-DoutputDirectory={staging}", "-Dmdep.prependGroupId=true"],
        check=True, stdin=subprocess.DEVNULL, timeout=1_800,
    )
    (staging / ".resolved").touch()
    try:
        staging.rename(lib)
    except OSError:  # another run resolved it first: theirs is the same jars
        shutil.rmtree(staging, ignore_errors=True)
    return lib


@dataclass
class Neo4jServer:
    """A running Neo4j: where it listens and how to sign in."""

    uri: str
    user: str
    password: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Close its standard input (the launcher's signal to shut down) and wait."""
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(data_dir: Path, *, heap_mb: int = 1_024, page_cache_mb: int = 256,
          ready_within_s: float = 180) -> Neo4jServer:
    """Start Neo4j with its files under ``data_dir``; returns once Bolt answers."""
    lib = resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    log = (data_dir / "launcher.log").open("wb")
    process = subprocess.Popen(
        ["java", f"-Xmx{heap_mb}m", "-XX:+UseParallelGC", "-cp", f"{lib}/*", str(LAUNCHER),
         str(lib), str(data_dir / "db"), password, str(page_cache_mb)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
    )
    log.close()
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()),  # type: ignore[union-attr]
                              daemon=True)
    reader.start()
    reader.join(ready_within_s)
    uri = line[0].decode().strip().rstrip("/") if line else ""
    if not uri.startswith("bolt://"):
        process.kill()
        process.wait()
        tail = (data_dir / "launcher.log").read_text(errors="replace")[-3_000:]
        raise RuntimeError(f"Neo4j did not start within {ready_within_s:.0f} s: {tail}")
    return Neo4jServer(uri, "neo4j", password, process)
