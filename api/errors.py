"""One error shape for every GraphQL response: a message and ``extensions.code``.

Clients branch on the code, never on the message. refnet's error tree maps onto the
API's codes here and nowhere else; anything unexpected becomes ``INTERNAL`` with an
incident id that is logged beside the traceback, so no stack trace, driver message or
Cypher text reaches a client.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Final

from graphql import GraphQLError

from refnet.graph import errors

__all__ = ["CODES", "api_code", "format_error"]

log = logging.getLogger("refnet.api")

CODES: Final = (
    "UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "LIMIT_EXCEEDED",
    "UNAVAILABLE", "INTERNAL",
)

# refnet error -> API code; the most specific class listed first wins.
_BY_CLASS: Final[tuple[tuple[type[errors.RefnetError], str], ...]] = (
    (errors.Unauthenticated, "UNAUTHENTICATED"),
    (errors.Forbidden, "FORBIDDEN"),
    (errors.NotFound, "NOT_FOUND"),
    (errors.BadInput, "BAD_USER_INPUT"),
    (errors.QueryTimeout, "LIMIT_EXCEEDED"),
    (errors.ResultTooLarge, "LIMIT_EXCEEDED"),
    (errors.StoreUnavailable, "UNAVAILABLE"),
    (errors.ServerError, "UNAVAILABLE"),
)
# graphql-core's "Did you mean ...?" hints leak the schema to a prober.
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


def api_code(error: BaseException) -> str:
    for cls, code in _BY_CLASS:
        if isinstance(error, cls):
            return code
    return "INTERNAL"


def format_error(error: GraphQLError, *, suggestions: bool = False) -> dict[str, Any]:
    """The JSON a client sees for one error."""
    original = error.original_error
    extensions = dict(error.extensions or {})
    if original is None:  # a syntax, validation or limit error: its text is safe
        message = error.message if suggestions else _SUGGESTION.sub("", error.message)
        extensions.setdefault("code", "BAD_USER_INPUT")
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
