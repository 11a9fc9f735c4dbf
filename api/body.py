"""A GraphQL request's JSON body, read within a size cap and a time limit, then checked.

graphql-server reads the whole body (up to Flask's cap, 1 GiB for uploads), decodes
it, parses it and trusts its shape: a 200 MB variable took a worker to 1.25 GB RSS, a
slow client held a worker thread for as long as it liked, and a JSON array, ``null``,
invalid UTF-8 or 100,000 nested brackets came back as an HTML 500. refnet reads the
body here instead:

* refused by its ``Content-Length`` before a byte is read when it is over
  ``max_bytes`` (1 MiB by default: a document is at most 20 KB, variables are small);
  a chunked body is cut off at the cap while it streams;
* read within ``timeout_s`` in all (each read waits at most what is left), so a slow
  client costs a connection, never a worker for long;
* decoded as strict UTF-8, parsed as JSON with a nesting bound, and held to the
  shape GraphQL over HTTP defines: one object with a string ``query``, an object
  ``variables``, a string ``operationName``, an object ``extensions``. No batching.

Uploads (multipart ``startLoad``) keep their own streamed path and cap (``api.imports``).
Every refusal is a refnet error: ``BadInput`` or ``LimitExceeded`` with its HTTP status.
Nothing from the body is echoed back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from refnet.graph.errors import BadInput, LimitExceeded, RefnetError

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_NESTING",
    "READ_TIMEOUT_S",
    "BodyRefused",
    "check_shape",
    "read_json_body",
]

MAX_BODY_BYTES = 1 << 20  # a JSON GraphQL request; uploads have their own cap
READ_TIMEOUT_S = 10.0  # the whole body, from the first read to the last
MAX_NESTING = 32  # lists and objects inside variables


class BodyRefused(RefnetError):
    """Carries a refusal and the HTTP status it leaves with."""

    def __init__(self, error: RefnetError, status: int) -> None:
        super().__init__(str(error))
        self.error, self.status = error, status


def read_json_body(environ: Mapping[str, Any], content_length: int | None,
                   max_bytes: int = MAX_BODY_BYTES,
                   timeout_s: float = READ_TIMEOUT_S) -> dict[str, Any]:
    """The request's JSON object, or ``BodyRefused``."""
    if content_length is not None and content_length > max_bytes:
        raise BodyRefused(LimitExceeded(
            f"the request body is {content_length:,} bytes; at most {max_bytes:,} are "
            "accepted for a JSON request"), 413)
    raw = _read(environ, content_length, max_bytes, timeout_s)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyRefused(BadInput("the request body is not valid UTF-8"), 400) from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise BodyRefused(LimitExceeded(f"the request body is nested deeper than "
                                        f"{MAX_NESTING} levels"), 400) from None
    except ValueError:
        raise BodyRefused(BadInput("the request body is not valid JSON"), 400) from None
    return check_shape(data)


def check_shape(data: Any) -> dict[str, Any]:
    """``data`` as GraphQL over HTTP defines a request, or ``BodyRefused``."""
    if isinstance(data, list):
        raise BodyRefused(BadInput("batched requests are not supported: send one "
                                   "operation per request"), 400)
    if not isinstance(data, dict):
        raise BodyRefused(BadInput("the request body must be a JSON object with a query"),
                          400)
    for name, kind, label in (("query", str, "a string"), ("operationName", str, "a string"),
                              ("variables", dict, "an object"),
                              ("extensions", dict, "an object")):
        if data.get(name) is not None and not isinstance(data[name], kind):
            raise BodyRefused(BadInput(f"{name} must be {label}"), 400)
    for name in ("variables", "extensions"):
        if _too_deep(data.get(name)):
            raise BodyRefused(LimitExceeded(f"{name} are nested deeper than {MAX_NESTING} "
                                            "levels"), 400)
    return data


def _read(environ: Mapping[str, Any], content_length: int | None, max_bytes: int,
          timeout_s: float) -> bytes:
    """At most ``max_bytes`` (+1, to tell "over") within ``timeout_s``; each read on the
    socket waits no longer than the time left."""
    stream = environ["wsgi.input"]
    sock = environ.get("gunicorn.socket")
    deadline = time.monotonic() + timeout_s
    want = max_bytes + 1 if content_length is None else content_length
    chunks: list[bytes] = []
    got = 0
    previous = sock.gettimeout() if sock is not None else None
    try:
        while got < want:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if sock is not None:
                sock.settimeout(left)
            chunk = stream.read(min(64 << 10, want - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except (TimeoutError, OSError):
        raise BodyRefused(LimitExceeded(f"the request body did not arrive within "
                                        f"{timeout_s:g} s"), 408) from None
    finally:
        if sock is not None:
            sock.settimeout(previous)
    if got > max_bytes:
        raise BodyRefused(LimitExceeded(f"the request body is over {max_bytes:,} bytes"), 413)
    return b"".join(chunks)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _too_deep(value: Any) -> bool:
    """Nested past ``MAX_NESTING``, walked without recursion."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= MAX_NESTING:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False
