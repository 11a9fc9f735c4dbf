"""refnet's error tree: one small hierarchy every layer raises and every front end maps.

::

    RefnetError
    ├── ConfigError                bad or missing configuration
    ├── QueryNotFound              no .cypher file for a query name
    ├── BadInput                   a question asked with arguments it cannot answer
    │   └── NotFound               the member (or other element) asked about is not there
    ├── Unauthenticated            no API key, or one that is unknown or revoked
    ├── Forbidden                  the key's role or scope does not reach what was asked
    ├── ServerError                the embedded server's lifecycle
    │   ├── AlreadyRunning         another server holds this data dir
    │   ├── ServerStartFailed      redis-server exited or never became ready
    │   └── DataCorrupt            the append-only file cannot be loaded
    └── StoreError                 talking to a running store
        ├── StoreUnavailable       cannot connect / connection lost   (retryable)
        ├── QueryTimeout           the query ran past its time limit
        ├── ConstraintViolation    a uniqueness constraint refused a write
        ├── BadQuery               the store rejected the query text or parameters
        ├── ResultTooLarge         more rows than the caller's cap
        └── IncompleteCommit       a write's outcome is unknown          (retryable
                                   only because every refnet write is idempotent)

``retryable`` says whether running the same call again may succeed; callers that
retry (the loaders, the neo4j driver's managed transactions) look only at it.
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
    "NotFound",
    "QueryNotFound",
    "QueryTimeout",
    "RefnetError",
    "ResultTooLarge",
    "ServerError",
    "ServerStartFailed",
    "StoreError",
    "StoreUnavailable",
    "Unauthenticated",
]


class RefnetError(Exception):
    """Base of every error refnet raises on purpose."""

    code: str = "INTERNAL"
    retryable: bool = False

    def is_retryable(self) -> bool:
        return self.retryable


class ConfigError(RefnetError):
    code = "BAD_CONFIG"


class QueryNotFound(RefnetError):
    code = "QUERY_NOT_FOUND"


class BadInput(RefnetError):
    """A caller's argument is out of range or malformed (a depth of -1, an unknown policy)."""

    code = "BAD_USER_INPUT"


class NotFound(BadInput):
    """The member, policy or run a question names does not exist."""

    code = "NOT_FOUND"


class Unauthenticated(RefnetError):
    """The caller presented no key, a malformed one, or one that is unknown or revoked."""

    code = "UNAUTHENTICATED"


class Forbidden(RefnetError):
    """The key is valid but its role or scope does not reach what was asked."""

    code = "FORBIDDEN"


class ServerError(RefnetError):
    code = "SERVER"


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
    retryable = True


class QueryTimeout(StoreError):
    code = "TIMEOUT"


class ConstraintViolation(StoreError):
    code = "CONSTRAINT"


class BadQuery(StoreError):
    code = "BAD_QUERY"


class ResultTooLarge(StoreError):
    code = "RESULT_TOO_LARGE"


class IncompleteCommit(StoreError):
    code = "INCOMPLETE_COMMIT"
    retryable = True
