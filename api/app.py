"""The HTTP API: a Flask app serving the GraphQL schema through ``graphql-server``.

``create_app`` builds it; ``refnet serve`` runs it under gunicorn. A request goes:

1. ``GET /graphql`` from a browser (``Accept: text/html``) is sent to the web app's
   GraphiQL page (``/graphiql``: local assets, the signed-in session). Everything else
   needs ``Authorization: Bearer rn_...``, or a web session with the page's CSRF token
   in ``X-CSRFToken`` (``web.auth.api_key``), checked before any GraphQL work: no key or
   a bad one is a 401.
2. The document is parsed within the size and token caps, validated by graphql-core's
   rules plus refnet's limits (``api.limits``), and executed with the caller's scope
   in the context. Mutations only over POST.
3. Every error leaves as ``{"message", "extensions": {"code"}}`` (``api.errors``); no
   stack trace or Cypher text reaches the client.
4. One access-log line per request: key id, operation, duration, status; never the key.

The store is opened lazily in each worker process (after gunicorn forks), with the
API's own per-query time limit.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, redirect, request, url_for
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationType,
    get_operation_ast,
    validate,
)
from graphql_server import execute_sync
from graphql_server.exceptions import GraphQLValidationError, InvalidOperationTypeError
from graphql_server.file_uploads.utils import replace_placeholders_with_files
from graphql_server.flask.views import GraphQLView
from graphql_server.http.exceptions import HTTPException
from graphql_server.http.parse_content_type import parse_content_type
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.errors import BadInput, LimitExceeded, RefnetError
from refnet.graph.store import GraphStore

from . import keys, web
from .body import MAX_BODY_BYTES, READ_TIMEOUT_S, BodyRefused, check_shape, read_json_body
from .errors import api_code, format_error, http_status
from .limits import Limits, document_rules, parse_document, request_errors
from .schema import schema
from .schema.context import Context
from .scope import Scope

__all__ = ["DEFAULT_LIMITS", "create_app"]

access_log = logging.getLogger("refnet.api.access")
log = logging.getLogger("refnet.api")

# Question fields count for many nodes: 100 aliases of one are refused by cost.
DEFAULT_LIMITS = Limits(field_weights={
    "Query.member": 1, "Member.upline": 20, "Member.trusts": 20, "Member.trustedBy": 20,
    "Query.loadRuns": 20, "Query.downline": 1_000, "Query.compliance": 2_500,
    "Query.influence": 2_500, "Query.conversion": 2_500,
    "Query.caseFiles": 20, "Mutation.makeCaseFile": 10_000,  # one case file per request
})
API_TIMEOUT_MS = 10_000
MAX_UPLOAD_BYTES = 1 << 30  # a multipart body (startLoad's uploads) over 1 GiB is refused


class _Stores:
    """One store per worker process, opened on first use."""

    def __init__(self, config: Config, store: GraphStore | None) -> None:
        self.config = config.with_limits(
            timeout_ms=min(API_TIMEOUT_MS, config.limits.timeout_max_ms))
        self._store = store
        self._lock = threading.Lock()

    def get(self) -> GraphStore:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.config)
            return self._store


class RefnetGraphQLView(GraphQLView):
    """graphql-server's Flask view with refnet's auth, limits and error shape."""

    def __init__(self, *, stores: _Stores, documents: _Documents, limits: Limits,
                 production: bool, import_dir: Path | None) -> None:
        # Multipart bodies carry startLoad's files; a session counts only with its CSRF
        # token (web.auth.api_key), so a cookie alone asks nothing.
        # GraphiQL is the web app's page (local assets, signed in), not graphql-server's
        super().__init__(schema=schema.graphql_schema, graphql_ide=None,
                         multipart_uploads_enabled=True)
        self.stores, self.limits, self.production = stores, limits, production
        self.import_dir = import_dir
        self.documents = documents  # Flask makes a view per request: the cache outlives it

    def dispatch_request(self) -> Any:
        try:
            if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                return redirect(url_for("web.graphiql"))  # a browser: GraphiQL, signed in
            g.key_id = None
            if not _multipart():  # uploads keep Flask's cap; a JSON body gets api.body's
                request.max_content_length = MAX_BODY_BYTES
            if (request.content_length or 0) > request.max_content_length:
                raise RequestEntityTooLarge
            store = self.stores.get()
            token = web.auth.bearer(request.headers.get("Authorization"))
            key = web.auth.api_key(store) if token is None and web.auth.signed_in() \
                else keys.authenticate(store, token)
            g.key_id = key.id
            g.context = Context(store, key, Scope(key, store), self.stores.config,
                                self.import_dir)
            with _idle_timeout(READ_TIMEOUT_S if _multipart() else None):
                return self.run(request=request)
        except _Passed as e:
            return _refused(e.error, e.status) if e.error else _internal(e.__cause__)
        except HTTPException as e:  # graphql-server's: a bad method, body or content type
            return _refused(BadInput(e.reason), e.status_code)
        except RequestEntityTooLarge:
            return _refused(LimitExceeded(f"the request is larger than "
                                          f"{request.max_content_length:,} bytes"), 413)
        except BodyRefused as e:
            return _refused(e.error, e.status)
        except RefnetError as e:
            return _refused(e)
        except (TimeoutError, ClientDisconnected):  # an upload stalled (werkzeug says
            # "disconnected" for a read that timed out); api.body times a JSON body itself
            return _refused(LimitExceeded(f"the upload stalled for {READ_TIMEOUT_S:g} s"), 408)
        except Exception as e:  # a bug: logged with an incident id, never shown
            return _internal(e)

    def parse_http_body(self, request_adapter: Any, context: Any) -> Any:
        """A JSON body through ``api.body`` (capped, timed, checked); GET and multipart
        through graphql-server, then held to the same shape."""
        content_type, _ = parse_content_type(request_adapter.content_type or "")
        accept = request_adapter.headers.get("accept", "")
        protocol = "http-strict" if "application/graphql-response+json" in accept else "http"
        if request_adapter.method == "POST" and "application/json" in content_type:
            data = read_json_body(request.environ, request.content_length)
            return self.get_graphql_request_data(request_adapter, context, data, protocol)
        try:
            parsed = super().parse_http_body(request_adapter, context)
        except RecursionError:
            raise BodyRefused(LimitExceeded("the request is nested too deeply"), 400) from None
        check_shape({"query": parsed.query, "variables": parsed.variables,
                     "operationName": parsed.operation_name,
                     "extensions": parsed.extensions})
        return parsed

    def parse_multipart(self, request_adapter: Any) -> dict[str, Any]:
        """graphql-server's, with ``operations`` held to one request's shape and a map
        that does not fit it refused (both were an AttributeError, a 500)."""
        operations = check_shape(self.parse_json(
            request_adapter.post_data.get("operations", "{}")))
        files_map = self.parse_json(request_adapter.post_data.get("map", "{}"))
        if not isinstance(files_map, dict) or not all(
                isinstance(paths, list) and all(isinstance(p, str) for p in paths)
                for paths in files_map.values()):
            raise BodyRefused(BadInput("map must be an object of lists of paths"), 400)
        try:
            return replace_placeholders_with_files(operations, files_map,
                                                   request_adapter.files)
        except KeyError:
            raise HTTPException(400, "File(s) missing in form data") from None
        except (IndexError, ValueError, TypeError):
            raise BodyRefused(BadInput("map names a path that is not in operations"),
                              400) from None

    def get_context(self, request: Any, response: Any) -> Context:
        return g.get("context")

    def execute_operation(self, request_adapter: Any, request_data: Any, context: Any,
                          root_value: Any, allowed_operation_types: Any) -> ExecutionResult:
        g.operation = request_data.operation_name
        try:
            document = self.documents.get(request_data.query, request_data.operation_name,
                                          allowed_operation_types)
            errors = request_errors(self.schema, document, self.limits,
                                    request_data.variables)
            if errors:
                raise GraphQLValidationError(errors)
            return execute_sync(
                schema=self.schema,
                query=document,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed_operation_types,
                validate_document=False,  # done above: the document's rules, the request's
            )
        except (GraphQLValidationError, InvalidOperationTypeError, HTTPException):
            raise  # graphql-server answers these itself
        except BodyRefused as e:
            raise _Passed(e.error, e.status) from e
        except RefnetError as e:
            raise _Passed(e) from e
        except Exception as e:  # graphql-server would answer str(e) as a 400: a bug's text
            raise _Passed(None) from e

    def process_result(self, request: Any, result: ExecutionResult,
                       strict: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"data": result.data}
        if result.errors:
            data["errors"] = [format_error(e, suggestions=not self.production)
                              for e in _flatten(result.errors)]
            g.error_codes = sorted({e["extensions"]["code"] for e in data["errors"]})
        return data


class _Documents:
    """Parsed documents that passed the variable-independent rules, by their text.

    Clients send the same few documents over and over with new variables; parsing and
    graphql-core's ~30 specified rules were a third of a ``member`` request's time.
    Only documents that passed are kept (a bounded LRU), so a refused one costs its
    full check every time; the rules that read variables run on every request.
    """

    def __init__(self, schema: Any, limits: Limits, size: int = 256) -> None:
        self.schema, self.limits, self.size = schema, limits, size
        self.rules = document_rules(limits)
        self._cache: OrderedDict[str, DocumentNode] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str | None, operation_name: str | None,
            allowed: Collection[OperationType]) -> DocumentNode:
        """The parsed document, refused as graphql-server would: its operation's type
        first (a mutation over GET is a 405), then the rules."""
        with self._lock:
            cached = self._cache.get(text) if text is not None else None
            if cached is not None:
                self._cache.move_to_end(text)
        if cached is not None:
            _check_operation_type(cached, operation_name, allowed)
            return cached
        try:
            document = parse_document(text, self.limits)
        except GraphQLError as e:
            raise GraphQLValidationError([e]) from None
        _check_operation_type(document, operation_name, allowed)
        errors = validate(self.schema, document, self.rules)
        if errors:
            raise GraphQLValidationError(errors)
        with self._lock:
            self._cache[text] = document  # text is not None: parse_document refused that
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return document


def _check_operation_type(document: DocumentNode, operation_name: str | None,
                          allowed: Collection[OperationType]) -> None:
    operation = get_operation_ast(document, operation_name)
    if operation is not None and operation.operation not in allowed:
        raise InvalidOperationTypeError(operation.operation, set(allowed))


def _flatten(errors: list[GraphQLError]) -> list[GraphQLError]:
    out: list[GraphQLError] = []
    for e in errors:
        out.extend(e.errors if isinstance(e, GraphQLValidationError) else [e])
    return out


class _Passed(HTTPException):
    """Carries an error through graphql-server's ``run``, which turns any other exception
    into a 400 with its text; ``error`` None means a bug (the cause)."""

    def __init__(self, error: RefnetError | None, status: int | None = None) -> None:
        super().__init__(500, "internal error")
        self.error, self.status = error, status


def _multipart() -> bool:
    return request.mimetype == "multipart/form-data"


@contextlib.contextmanager
def _idle_timeout(seconds: float | None) -> Iterator[None]:
    """Each read of the request's socket waits at most ``seconds`` (an upload may be
    long, but not stalled); gunicorn hands the socket over in the environ."""
    sock = request.environ.get("gunicorn.socket")
    if seconds is None or sock is None:
        yield
        return
    previous = sock.gettimeout()
    sock.settimeout(seconds)
    try:
        yield
    finally:
        sock.settimeout(previous)


def _refused(error: RefnetError, status: int | None = None) -> Response:
    """A request refused before any GraphQL work, coded by its error class like a
    resolver's error (``api.errors.api_code``)."""
    code = api_code(error)
    if code == "INTERNAL":  # e.g. a ConfigError or StoreError while authenticating
        return _internal(error)
    message = str(error) if code != "UNAVAILABLE" else "the graph store is unavailable"
    return _error_response(status or http_status(code), message, code)


def _internal(error: BaseException | None) -> Response:
    """A bug outside GraphQL execution: a 500 with an incident id, logged with its
    traceback the way ``api.errors.format_error`` logs a resolver's."""
    incident = uuid.uuid4().hex[:12]
    log.error("internal error %s at %s %s", incident, request.method, request.path,
              exc_info=error)
    return _error_response(
        500, f"internal error (incident {incident}); the server log has the details",
        "INTERNAL")


def _error_response(status: int, message: str, code: str) -> Response:
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="refnet"'
    g.error_codes = [code]
    return response


def create_app(config: Config | None = None, *, production: bool = False,
               limits: Limits | None = None, store: GraphStore | None = None,
               import_dir: Path | None = None,
               max_upload_bytes: int = MAX_UPLOAD_BYTES) -> Flask:
    """The API app. ``production`` hides introspection and "did you mean" hints;
    ``import_dir`` is where ``startLoad`` may read server files."""
    config = config or Config.from_env()
    limits = limits or DEFAULT_LIMITS
    if production and limits.introspection:
        limits = Limits(**{**limits.__dict__, "introspection": False})
    stores = _Stores(config, store)
    # graphql-server logs every resolver error with its traceback; refnet logs the
    # unexpected ones itself (api.errors) and the rest are answers, not incidents.
    logging.getLogger("graphql_server.execution").setLevel(logging.CRITICAL)
    app = Flask("refnet")
    app.config["MAX_CONTENT_LENGTH"] = max_upload_bytes
    web.register(app, stores.get, config.data_dir, config.timezone, config.language,
                 import_dir)
    app.add_url_rule("/graphql", view_func=RefnetGraphQLView.as_view(
        "graphql", stores=stores, documents=_Documents(schema.graphql_schema, limits),
        limits=limits, production=production, import_dir=import_dir))

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """The process is up (says nothing about the store)."""
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> Any:
        """The store answers: ready for traffic."""
        try:
            stores.get().run("window/version")
        except RefnetError as e:
            return {"status": "unavailable", "reason": type(e).__name__}, 503
        return {"status": "ready"}

    @app.before_request
    def started() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def log_access(response: Response) -> Response:
        access_log.info(json.dumps({
            "method": request.method, "path": request.path, "status": response.status_code,
            "key": g.get("key_id"), "operation": g.get("operation"),
            "errors": g.get("error_codes"),
            "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1),
        }))
        return response

    return app
