"""Sign-in for the web app: an API key once, then a session cookie.

* The session is Flask's signed cookie, keyed by a secret kept under the data dir
  (``web/secret``, made on first use, readable by its owner only), so every worker
  and every restart accept the same sessions. It holds the key's public id, never its
  secret; each page looks the key up again, so revoking it ends its sessions at once.
* The cookie is HttpOnly and SameSite=Lax, and Secure when the request came over
  TLS. A session ends after ``IDLE`` without a page or ``LIFETIME`` after sign-in.
* Every POST of the web app carries a CSRF token (Flask-WTF). GraphQL takes bearer
  keys, and a signed-in page's session only with the page's CSRF token in a header
  (``api_key``: GraphiQL in the browser), so no other site can ask in a user's name.
* Failed sign-ins are limited per client address (``MAX_FAILURES`` per
  ``FAILURE_WINDOW``), counted in each worker process: with N workers a client gets
  at most N times as many tries, still nothing against 256-bit secrets.
* What a signed-in user may see is ``api.scope.Scope`` over the key, the same code
  GraphQL asks: an organizer sees their downline and nothing else.
* A download GraphQL hands out (a case file's ``url``) also answers the bearer key that
  asked for it (``reader_scope``): a header no other site can make a browser send.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Final

from flask import Flask, Request, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect, validate_csrf
from wtforms import ValidationError

from refnet.graph.errors import Forbidden, Unauthenticated
from refnet.graph.store import GraphStore

from .. import keys
from ..scope import Scope

__all__ = ["FAILURE_WINDOW", "IDLE", "LIFETIME", "MAX_FAILURES", "Failures", "api_key",
           "bearer", "install", "reader_scope", "scope", "session_key", "sign_in", "sign_out",
           "signed_in"]

IDLE: Final = 2 * 3600  # seconds without a page before a session ends
LIFETIME: Final = 12 * 3600  # seconds after sign-in before it ends anyway
MAX_FAILURES: Final = 10
FAILURE_WINDOW: Final = 300  # seconds


class _Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, Secure whenever the request came over TLS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        from flask import request

        return bool(request.is_secure) or super().get_cookie_secure(app)


def install(app: Flask, data_dir: Path) -> CSRFProtect:
    """Sessions signed with the data dir's secret, and CSRF checks the web app asks for."""
    app.secret_key = _secret(data_dir)
    app.session_interface = _Sessions()
    app.config.update(SESSION_COOKIE_NAME="refnet_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=LIFETIME,
                      WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=LIFETIME)
    return CSRFProtect(app)


def sign_in(store: GraphStore, token: str, now: float | None = None) -> keys.ApiKey:
    """Start a session for the key ``token`` is, or raise ``Unauthenticated``."""
    key = keys.authenticate(store, token)
    now = time.time() if now is None else now
    session.clear()
    session.permanent = True
    session.update(key=key.id, started=now, seen=now)
    return key


def sign_out() -> None:
    session.clear()


def scope(store: GraphStore, now: float | None = None) -> Scope:
    """The signed-in key's scope, or ``Unauthenticated`` when there is no session, it
    ran out, or its key stopped working."""
    return Scope(session_key(store, now), store)


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer rn_...`` header, or None."""
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def reader_scope(store: GraphStore) -> Scope:
    """The scope of a GET a program may send too: the bearer key when the request carries
    one (a GraphQL client following a download ``url``), else the session's."""
    token = bearer(request.headers.get("Authorization"))
    return scope(store) if token is None else Scope(keys.authenticate(store, token), store)


def signed_in() -> bool:
    """Whether the request carries a session (valid or not: ``session_key`` decides)."""
    return "key" in session


def api_key(store: GraphStore) -> keys.ApiKey:
    """The session's key for a GraphQL request from a signed-in page (GraphiQL): the
    request must carry the session's CSRF token in ``X-CSRFToken``, so that another
    site cannot make a signed-in browser ask anything."""
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except ValidationError:
        raise Forbidden("a signed-in browser's GraphQL request needs the page's CSRF token "
                        "(X-CSRFToken); other clients send 'Authorization: Bearer rn_...'"
                        ) from None
    return session_key(store)


def session_key(store: GraphStore, now: float | None = None) -> keys.ApiKey:
    """The signed-in key, or ``Unauthenticated`` when there is no session, it ran out,
    or its key stopped working (``g.ended`` says which of the last two, for the sign-in
    page to tell the person why they are there)."""
    now = time.time() if now is None else now
    key_id, started, seen = session.get("key"), session.get("started"), session.get("seen")
    if not isinstance(key_id, str) or not isinstance(started, (int, float)) \
            or not isinstance(seen, (int, float)):
        raise Unauthenticated("sign in with your API key")
    if now - seen > IDLE or now - started > LIFETIME:
        session.clear()
        g.ended = "expired"
        raise Unauthenticated("your session ended: sign in again")
    try:
        key = keys.active(store, key_id)
    except Unauthenticated:
        session.clear()
        g.ended = "revoked"
        raise
    session["seen"] = now
    g.role = key.role  # the page's header offers what the role may open
    return key


class Failures:
    """Failed sign-ins per client address in a sliding window (this process's count)."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = FAILURE_WINDOW) -> None:
        self.limit, self.window = limit, window
        self._seen: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def wait(self, request: Request, now: float | None = None) -> int:
        """Seconds before this address may try again; 0 while it has tries left."""
        now = time.time() if now is None else now
        with self._lock:
            seen = self._recent(request.remote_addr or "?", now)
            return int(seen[0] + self.window - now) + 1 if len(seen) >= self.limit else 0

    def failed(self, request: Request, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            self._recent(request.remote_addr or "?", now).append(now)
            if len(self._seen) > 100_000:  # a flood of addresses: keep memory bounded
                self._seen.clear()

    def _recent(self, address: str, now: float) -> deque[float]:
        seen = self._seen[address]
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen


def _secret(data_dir: Path) -> bytes:
    """The data dir's session secret, made once (32 random bytes, owner-only)."""
    path = Path(data_dir) / "web" / "secret"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".secret.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # the first worker's secret wins; others read it
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return bytes.fromhex(path.read_text().strip())
