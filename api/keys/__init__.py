"""API keys: who may ask refnet what.

A key is shown once, when it is made: ``rn_<id>_<secret>``. The id is public (it
names the key in listings and access logs); only a SHA-256 hash of the secret is
stored, on an ``(:ApiKey)`` node beside the network, so every API worker and every
deployment sees the same keys and a stolen database holds no usable key. A fast hash
is enough because the secret is 256 random bits, not a password.

Roles (DESIGN.md, "API"): ``admin`` may do anything; ``compliance`` reads everything;
``organizer`` is bound to one member and sees that member's downline and nothing
else. Revoked keys stay listed with the time they stopped working.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any, Final

from refnet.graph import times
from refnet.graph.errors import BadInput, NotFound, Unauthenticated
from refnet.graph.store import GraphStore, run_idempotent

__all__ = ["ROLES", "ApiKey", "NewKey", "active", "authenticate", "create", "list_keys",
           "revoke"]

ROLES: Final = ("admin", "compliance", "organizer")
PREFIX: Final = "rn"
_TOKEN = re.compile(r"^rn_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class ApiKey:
    """A key as refnet keeps it: never the secret."""

    id: str
    role: str
    member_id: str | None
    name: str | None
    created_at: int  # epoch ms
    revoked_at: int | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def scope(self) -> str:
        """What the key sees, in words: ``everything`` or ``downline of M``."""
        return f"downline of {self.member_id}" if self.role == "organizer" else "everything"


@dataclass(frozen=True)
class NewKey:
    """A key just made, with the token to hand over; the token is not stored anywhere."""

    key: ApiKey
    token: str


def create(store: GraphStore, role: str, *, member_id: str | None = None,
           name: str | None = None) -> NewKey:
    """Make a key. An organizer key must name an existing member; other roles must not."""
    if role not in ROLES:
        raise BadInput(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    member_id = (member_id or "").strip() or None
    if role == "organizer":
        if member_id is None:
            raise BadInput("an organizer key needs --member: the member whose downline it sees")
        if not store.run("keys/member_exists", {"id": member_id}).scalar():
            raise NotFound(f"no member {member_id!r}: an organizer key must be bound to one")
    elif member_id is not None:
        raise BadInput(f"a {role} key sees everything and takes no member")
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey(key_id, role, member_id, (name or "").strip() or None,
                 times.now_ms())
    run_idempotent(store, "keys/create", {
        "id": key.id, "hash": _hash(secret), "role": key.role, "member_id": key.member_id,
        "name": key.name, "created_at": key.created_at,
    })
    return NewKey(key, f"{PREFIX}_{key_id}_{secret}")


def list_keys(store: GraphStore, *, include_revoked: bool = True) -> list[ApiKey]:
    keys = [_key(r) for r in store.run("keys/list").records()]
    return keys if include_revoked else [k for k in keys if k.active]


def revoke(store: GraphStore, key_id: str) -> ApiKey:
    """Stop a key working at once; revoking a revoked key changes nothing."""
    rows = store.run("keys/revoke", {"id": key_id, "at": times.now_ms()},
                     write=True).records()
    if not rows:
        raise NotFound(f"no API key {key_id!r} (`refnet keys list` shows them)")
    return _key(rows[0])


def authenticate(store: GraphStore, token: str | None) -> ApiKey:
    """The active key a bearer token belongs to, or ``Unauthenticated`` saying why not.

    The message never repeats the token, and an unknown id and a wrong secret read
    the same, so a caller learns nothing about which keys exist.
    """
    match = _TOKEN.match((token or "").strip())
    if match is None:
        raise Unauthenticated("missing or malformed API key: send 'Authorization: Bearer rn_...'")
    key_id, secret = match.groups()
    rows = store.run("keys/get", {"id": key_id}).records()
    stored = rows[0]["hash"] if rows else _hash("")  # compare anyway: same time either way
    if not hmac.compare_digest(stored, _hash(secret)) or not rows:
        raise Unauthenticated("unknown API key")
    key = _key(rows[0])
    if not key.active:
        raise Unauthenticated(f"API key {key.id} was revoked")
    return key


def active(store: GraphStore, key_id: str) -> ApiKey:
    """The key with this id while it still works (a signed-in session asks on every
    page, so a revoked key stops its sessions at once), else ``Unauthenticated``."""
    rows = store.run("keys/get", {"id": key_id}).records()
    key = _key(rows[0]) if rows else None
    if key is None or not key.active:
        raise Unauthenticated("this sign-in's API key was revoked or removed: sign in again")
    return key


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _key(row: dict[str, Any]) -> ApiKey:
    return ApiKey(
        id=row["id"], role=row["role"], member_id=row["member_id"], name=row["name"],
        created_at=int(row["created_at"]),
        revoked_at=int(row["revoked_at"]) if row["revoked_at"] is not None else None,
    )
