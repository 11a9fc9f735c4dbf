"""refnet's error tree: one small hierarchy every layer raises and every front end maps.

::

    error                          raised when                            API code
    RefnetError                    (the base; anything unexpected)        INTERNAL
    ├── ConfigError                bad or missing configuration           INTERNAL
    │   └── NotInstalled           a part one request needs is missing    BAD_USER_INPUT
    │                              (a CJK font for a PDF): another
    │                              request (HTML) is answered
    ├── QueryNotFound              no .cypher file for a query name       INTERNAL
    ├── BadInput                   a question asked with arguments        BAD_USER_INPUT
    │   │                          it cannot answer
    │   └── NotFound               the member (or other element) asked    NOT_FOUND
    │                              about is not there
    ├── Unauthenticated            no API key, or one that is unknown     UNAUTHENTICATED
    │                              or revoked
    ├── Forbidden                  the key's role or scope does not       FORBIDDEN
    │                              reach what was asked
    ├── LimitExceeded              a request over the API's caps (size,   LIMIT_EXCEEDED
    │                              depth, cost, page size, upload size)
    ├── ServerError                the embedded server's lifecycle        UNAVAILABLE
    │   ├── AlreadyRunning         another server holds this data dir     UNAVAILABLE
    │   ├── ServerStartFailed      redis-server exited or never ready     UNAVAILABLE
    │   └── DataCorrupt            the append-only file cannot be loaded  UNAVAILABLE
    └── StoreError                 talking to a running store             INTERNAL
        ├── StoreUnavailable       cannot connect / connection lost       UNAVAILABLE
        │                          (retryable)
        ├── QueryTimeout           the query ran past its time limit      LIMIT_EXCEEDED
        ├── ConstraintViolation    a uniqueness constraint refused a      INTERNAL
        │                          write
        ├── BadQuery               the store rejected the query text      INTERNAL
        │                          or parameters
        ├── ResultTooLarge         more rows than the caller's cap        LIMIT_EXCEEDED
        ├── IncompleteCommit       a write's outcome is unknown           INTERNAL
        │                          (retryable only because every
        │                          refnet write is idempotent)
        └── WritesRefused          the store cannot persist writes        UNAVAILABLE
                                   (disk full): the last one was not
                                   kept, later ones are refused
                                   (retryable once space frees)

``retryable`` says whether running the same call again may succeed; callers that
retry (the loaders, the neo4j driver's managed transactions) look only at it.

``api_code`` is the public code a GraphQL client sees in ``extensions.code``
(README, "Errors"); it is inherited, so a new subclass answers like its parent until
it says otherwise. ``code`` is finer and internal: each class has its own, for logs
and the CLI. The API reads ``api_code`` and nothing else (``api.errors.api_code``),
so this tree is the one table from error to public code.
"""

from __future__ import annotations

__all__ = [
    "AlreadyRunning",
    "BadInput",
    "BadQuery",
    "ConfigError",
    "ConstraintViolation",
    "DataCorrupt",
    "Forbidden",
    "IncompleteCommit",
    "LimitExceeded",
    "NotFound",
    "NotInstalled",
    "QueryNotFound",
    "QueryTimeout",
    "RefnetError",
    "ResultTooLarge",
    "ServerError",
    "ServerStartFailed",
    "StoreError",
    "StoreUnavailable",
    "Unauthenticated",
    "WritesRefused",
]


class RefnetError(Exception):
    """Base of every error refnet raises on purpose."""

    code: str = "INTERNAL"
    api_code: str = "INTERNAL"  # what an API client sees; see the tree above
    retryable: bool = False

    def is_retryable(self) -> bool:
        return self.retryable


class ConfigError(RefnetError):
    code = "BAD_CONFIG"


class NotInstalled(ConfigError):
    """The server lacks something one kind of request needs (a CJK font for the case
    file's PDF). Coded as a refusal of that request, its message shown, not as INTERNAL
    (an incident, the message hidden): the caller can ask otherwise, and the message
    says what to install."""

    code = "NOT_INSTALLED"
    api_code = "BAD_USER_INPUT"


class QueryNotFound(RefnetError):
    code = "QUERY_NOT_FOUND"


class BadInput(RefnetError):
    """A caller's argument is out of range or malformed (a depth of -1, an unknown policy)."""

    code = "BAD_USER_INPUT"
    api_code = "BAD_USER_INPUT"


class NotFound(BadInput):
    """The member, policy or run a question names does not exist."""

    code = "NOT_FOUND"
    api_code = "NOT_FOUND"


class Unauthenticated(RefnetError):
    """The caller presented no key, a malformed one, or one that is unknown or revoked."""

    code = "UNAUTHENTICATED"
    api_code = "UNAUTHENTICATED"


class Forbidden(RefnetError):
    """The key is valid but its role or scope does not reach what was asked."""

    code = "FORBIDDEN"
    api_code = "FORBIDDEN"


class LimitExceeded(RefnetError):
    """A request asks for more than the API's caps allow (``api.limits``, upload size);
    the same request made smaller will be answered."""

    code = "LIMIT_EXCEEDED"
    api_code = "LIMIT_EXCEEDED"


class ServerError(RefnetError):
    code = "SERVER"
    api_code = "UNAVAILABLE"


class AlreadyRunning(ServerError):
    code = "ALREADY_RUNNING"


class ServerStartFailed(ServerError):
    code = "SERVER_START_FAILED"


class DataCorrupt(ServerError):
    code = "DATA_CORRUPT"


class StoreError(RefnetError):
    code = "STORE"


class StoreUnavailable(StoreError):
    code = "UNAVAILABLE"
    api_code = "UNAVAILABLE"
    retryable = True


class QueryTimeout(StoreError):
    code = "TIMEOUT"
    api_code = "LIMIT_EXCEEDED"


class ConstraintViolation(StoreError):
    code = "CONSTRAINT"


class BadQuery(StoreError):
    code = "BAD_QUERY"


class ResultTooLarge(StoreError):
    code = "RESULT_TOO_LARGE"
    api_code = "LIMIT_EXCEEDED"


class IncompleteCommit(StoreError):
    code = "INCOMPLETE_COMMIT"
    retryable = True


class WritesRefused(StoreError):
    """The store could not write its log (a full disk): a write is not acknowledged,
    and later ones are refused until it can; reads go on."""

    code = "WRITES_REFUSED"
    api_code = "UNAVAILABLE"
    retryable = True
