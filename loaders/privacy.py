"""Keyed hashing of personal data: the same phone joins across files, never stored.

The key comes from ``REFNET_PII_KEY``; without it, a random key is made once and
kept in ``pii.key`` in the data directory (mode 0600). Losing the key only means
new loads no longer join with old hashes; it never exposes anything.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["hasher_for", "keyed_hasher"]

KEY_FILE = "pii.key"


def keyed_hasher(key: bytes) -> Callable[[str], str]:
    """HMAC-SHA256 of the text, as ``h:`` and 32 hex digits."""

    def hash_value(text: str) -> str:
        digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
        return "h:" + digest[:32]

    return hash_value


def hasher_for(data_dir: Path, env: Mapping[str, str] | None = None) -> Callable[[str], str]:
    """The hasher for this installation: the environment's key, else the data dir's."""
    env = os.environ if env is None else env
    if env.get("REFNET_PII_KEY"):
        return keyed_hasher(env["REFNET_PII_KEY"].encode("utf-8"))
    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return keyed_hasher(path.read_text().strip().encode("utf-8"))
