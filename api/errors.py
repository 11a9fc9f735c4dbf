"""One error shape for every GraphQL response: a message and ``extensions.code``.

Clients branch on the code, never on the message. Each class in refnet's error tree
names its public code (``api_code``, drawn beside the tree in ``graph/errors.py``);
resolvers' errors, the HTTP layer's refusals (``api.app``) and the limits' refusals
(``api.limits``) all take it from there. Anything unexpected becomes ``INTERNAL``
with an incident id that is logged beside the traceback, so no stack trace, driver
message or Cypher text reaches a client.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Final

from graphql import GraphQLError

from refnet.graph import errors

__all__ = ["CODES", "HTTP_STATUS", "api_code", "format_error", "http_status"]

log = logging.getLogger("refnet.api")

CODES: Final = (
    "UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "LIMIT_EXCEEDED",
    "UNAVAILABLE", "INTERNAL",
)

# graphql-core's "Did you mean ...?" hints leak the schema to a prober.
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


# The HTTP status of a request refused outright (no GraphQL answer, or a web page), by
# its public code; any other refusal is a 400.
HTTP_STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404,
               "UNAVAILABLE": 503, "INTERNAL": 500}


def http_status(code: str) -> int:
    return HTTP_STATUS.get(code, 400)


def api_code(error: BaseException) -> str:
    """The public code for an error: its class says (``RefnetError.api_code``, drawn
    beside each class in ``graph/errors.py``); anything else is a bug, ``INTERNAL``."""
    if isinstance(error, errors.RefnetError):
        return error.api_code
    return "INTERNAL"


def format_error(error: GraphQLError, *, suggestions: bool = False) -> dict[str, Any]:
    """The JSON a client sees for one error."""
    original = error.original_error
    extensions = dict(error.extensions or {})
    if original is None:  # a syntax, validation or limit error: its text is safe
        message = error.message if suggestions else _SUGGESTION.sub("", error.message)
        extensions.setdefault("code", errors.BadInput.api_code)
    else:
        code = extensions.get("code") or api_code(original)
        extensions["code"] = code
        if code == "INTERNAL":
            incident = uuid.uuid4().hex[:12]
            log.error("internal error %s at %s", incident, error.path, exc_info=original)
            message = f"internal error (incident {incident}); the server log has the details"
        elif code == "UNAVAILABLE":
            log.warning("store unavailable: %s", original)
            message = "the graph store is unavailable; try again shortly"
        else:
            message = str(original)
    formatted: dict[str, Any] = {"message": message, "extensions": extensions}
    if error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column}
                                  for loc in error.locations]
    if error.path:
        formatted["path"] = list(error.path)
    return formatted
