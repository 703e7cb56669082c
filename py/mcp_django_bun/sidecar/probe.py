"""``request``: one HTTP request through the project, in this process, with Django's test client.

No server is needed: the request goes through the project's middleware, URLconf and view as
``runserver`` would send it, and comes back with what happened on the way: the final status and
the redirects, the view that answered, the templates rendered (and their files), the SQL (with
statements repeated in a loop grouped and flagged), the mail sent, the response's headers and
body, and the exception a failing view raised, project frames first.

Nothing is kept unless asked: every database alias is inside a transaction (``atomic``) that is
rolled back after the request unless ``commit``; mail goes to an in-memory outbox of the probe's
(``EMAIL_BACKEND`` is ``ProbeEmailBackend`` while it runs) and is reported, never sent. Caches and
sessions outside the database may be touched.

The probe runs where shell code runs, with its capture of stdout and stderr, its interrupts and
a stdin at end of file. Probes in one process run one at a time: the settings they override are
the process's (inside a dev server, a request another thread serves meanwhile sees them too; its
mail still goes to the project's own backend).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from html.parser import HTMLParser
from types import TracebackType
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.signals import got_request_exception
from django.db import connections, transaction
from django.db.transaction import TransactionManagementError
from django.http import HttpResponseBase
from django.template.base import Template
from django.test import Client
from django.test.client import RedirectCycleError
from django.test.signals import template_rendered
from django.test.utils import instrumented_test_render, override_settings
from django.utils.module_loading import import_string
from django.views.debug import DEBUG_ENGINE

from . import capture, interrupts, logbook, stdin
from .contract import HTTP_METHODS, ProbeResult
from .errors import InvalidArguments, NotFound
from .introspection.urls import resolve_path
from .jsonable import to_json

DEFAULT_BODY_LIMIT = 20_000
# The cap of the view's stdout and of its stderr (the shell's).
OUTPUT_LIMIT = 50_000
MAX_BODY_LIMIT = 1_000_000
# Queries listed one by one (all are counted), statements repeated listed as groups, and the
# parameters shown per query.
QUERIES_LISTED = 100
GROUPS_LISTED = 20
PARAMS_SHOWN = 50
SQL_LIMIT = 2000
# A statement run this many times in one request is likely a query in a loop.
N_PLUS_ONE = 5
# Log records of the request's own listed, and the start of each mail's body.
LOGS_LISTED = 50
MAIL_BODY_LIMIT = 2000
# Users named when the one asked for doesn't exist.
USERS_NAMED = 10
# Statements that change rows.
WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCATE"})
# Methods whose form data goes in the query string; they take no JSON body here.
QUERY_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

PROBE_BACKEND = f"{__name__}.ProbeEmailBackend"
FORM_CONTENT = "application/x-www-form-urlencoded"
JSON_CONTENT = "application/json"

_STRING = re.compile(r"'(?:[^']|'')*'")
_NUMBER = re.compile(r"(?<![\w\"`])-?\d+(?:\.\d+)?\b")
_IN_LIST = re.compile(r"\(\s*\?(?:\s*,\s*\?)*\s*\)")
_SPACE = re.compile(r"\s+")
_LEADING_NOISE = re.compile(r"^(?:\s+|--[^\n]*\n|/\*.*?\*/|\()*", re.DOTALL)

# One probe at a time per process: the settings it overrides are global.
_exclusive = threading.Lock()
# The probe running on this thread (or task), for the signal receivers below.
_current: contextvars.ContextVar[_Run | None] = contextvars.ContextVar("mcp_probe", default=None)
# The project's EMAIL_BACKEND while a probe runs (ProbeEmailBackend hands other threads' mail to it).
_project_backend = "django.core.mail.backends.smtp.EmailBackend"


class ProbeRefused(Exception):
    """A probe that could not promise to leave the databases as they were."""


class ProbeEmailBackend(BaseEmailBackend):
    """``EMAIL_BACKEND`` while a probe runs: the probe's mail stays in its outbox; mail sent by
    other threads meanwhile (a dev server serving a browser) goes to the project's backend."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        run = _current.get()
        self._run = run
        self._project: BaseEmailBackend | None = (
            None if run is not None else import_string(_project_backend)(fail_silently=fail_silently, **kwargs)
        )

    def open(self) -> Any:
        return self._project.open() if self._project is not None else None

    def close(self) -> None:
        if self._project is not None:
            self._project.close()

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        if self._project is not None:
            sent: int = self._project.send_messages(email_messages)
            return sent
        assert self._run is not None
        for message in email_messages:
            message.message()  # as Django's in-memory backend does: the headers are checked
            self._run.outbox.append(message)
        return len(email_messages)


class _Query:
    __slots__ = ("alias", "sql", "params", "many", "seconds", "error")

    def __init__(self, alias: str, sql: str, params: Any, many: bool, seconds: float, error: str | None) -> None:
        self.alias = alias
        self.sql = sql
        self.params = params
        self.many = many
        self.seconds = seconds
        self.error = error


class _Run:
    """What one probe saw while its request ran."""

    def __init__(self) -> None:
        self.templates: list[Any] = []
        self.queries: list[_Query] = []
        self.outbox: list[Any] = []
        self.exc_info: tuple[type[BaseException], BaseException, TracebackType | None] | None = None

    def query_wrapper(self, alias: str) -> Callable[..., Any]:
        def record(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: Any) -> Any:
            started = time.perf_counter()
            error: str | None = None
            try:
                return execute(sql, params, many, context)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                raise
            finally:
                seconds = time.perf_counter() - started
                self.queries.append(_Query(alias, str(sql), params, many, seconds, error))

        return record


def _on_template_rendered(sender: object, template: Any = None, **kwargs: object) -> None:
    run = _current.get()
    if run is not None and template is not None:
        run.templates.append(template)


def _on_request_exception(sender: object, **kwargs: object) -> None:
    run = _current.get()
    if run is not None:
        exc_type, exc, trace = sys.exc_info()
        if exc_type is not None and exc is not None:
            run.exc_info = (exc_type, exc, trace)


template_rendered.connect(_on_template_rendered, dispatch_uid="mcp_django_bun.probe.templates")
got_request_exception.connect(_on_request_exception, dispatch_uid="mcp_django_bun.probe.exceptions")


def probe(
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    data: Mapping[str, Any] | None = None,
    json_body: str | None = None,
    user: str | int | None = None,
    follow: bool = False,
    commit: bool = False,
    html_as_text: bool = False,
    body_limit: int = DEFAULT_BODY_LIMIT,
    limit: int = OUTPUT_LIMIT,
    timeout: float = 30.0,
) -> ProbeResult:
    """Send one request through the project and report what happened; the caller makes it interruptible."""
    method = method.upper()
    if method not in HTTP_METHODS:
        raise InvalidArguments(f"method must be one of {', '.join(HTTP_METHODS)}, not {method!r}")
    if data is not None and json_body is not None:
        raise InvalidArguments("Give either data (form fields) or json (a JSON body), not both.")
    if json_body is not None and method in QUERY_METHODS:
        raise InvalidArguments(f"A {method} request has no body here: send json with POST, PUT, PATCH or DELETE.")
    if not 0 <= body_limit <= MAX_BODY_LIMIT:
        raise InvalidArguments(f"body_limit must be between 0 and {MAX_BODY_LIMIT}, not {body_limit}")
    fields = _form_fields(data) if data is not None else None
    with _one_at_a_time():
        prober = _Prober(method, path, headers, fields, json_body, user, follow, commit, html_as_text, body_limit)
        with capture.capturing(limit) as (stdout, stderr), stdin.closed():
            try:
                prober.run()
            except interrupts.Interrupted as exc:
                prober.interrupted = exc.reason
                prober.notes.append(_interrupted_note(exc.reason, timeout))
            result = prober.result()
        result["stdout"] = stdout.getvalue()
        result["stderr"] = stderr.getvalue()
        return result


@contextlib.contextmanager
def _one_at_a_time() -> Iterator[None]:
    # Waits in short steps, so an interrupt on a dev server's thread gets through.
    while not _exclusive.acquire(timeout=0.05):
        pass
    try:
        yield
    finally:
        _exclusive.release()


class _Prober:
    def __init__(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None,
        fields: dict[str, str | list[str]] | None,
        json_body: str | None,
        user: str | int | None,
        follow: bool,
        commit: bool,
        html_as_text: bool,
        body_limit: int,
    ) -> None:
        self.method = method
        self.path = path
        self.headers = dict(headers or {})
        self.fields = fields
        self.json_body = json_body
        self.user = user
        self.follow = follow
        self.commit = commit
        self.html_as_text = html_as_text
        self.body_limit = body_limit
        self.run_state = _Run()
        self.response: HttpResponseBase | None = None
        self.body: dict[str, Any] | None = None
        self.login: str | None = None
        self.host = "testserver"
        self.guarded: list[str] = []
        self.unguarded: list[dict[str, str]] = []
        self.committed = False
        self.interrupted: str | None = None
        self.notes: list[str] = []
        self.seconds = 0.0
        self.logs_from = 0

    def run(self) -> None:
        global _project_backend
        found_user = _find_user(self.user) if self.user is not None else None
        self.host, overrides = _host_and_overrides(self.headers)
        if settings.EMAIL_BACKEND != PROBE_BACKEND:
            _project_backend = settings.EMAIL_BACKEND
        overrides["EMAIL_BACKEND"] = PROBE_BACKEND
        token = _current.set(self.run_state)
        try:
            with contextlib.ExitStack() as stack:
                self.logs_from = stack.enter_context(logbook.probing())
                stack.enter_context(override_settings(**overrides))
                settings.__dict__.pop("EMAIL_BACKEND", None)  # a value another thread cached meanwhile
                stack.enter_context(_templates_reported())
                self._enter_transactions(stack)
                if self.unguarded and not self.commit:
                    # It might answer during the request: its writes could not be rolled back.
                    failed = "; ".join(f"{item['alias']} ({item['error']})" for item in self.unguarded)
                    raise ProbeRefused(
                        f"no transaction could be opened on {failed}, so the request's writes there could not be"
                        " rolled back: nothing was sent. Make the database reachable, or pass commit: true"
                    )
                client = Client(raise_request_exception=False, SERVER_NAME=self.host, HTTP_HOST=self.host)
                if found_user is not None:
                    client.force_login(found_user)
                    self.login = str(found_user.get_username())
                for alias in connections:
                    stack.enter_context(connections[alias].execute_wrapper(self.run_state.query_wrapper(alias)))
                started = time.perf_counter()
                try:
                    self.response = self._send(client)
                    # A streaming body is made as it is read: inside the transaction, its queries counted.
                    self.body = _body(self.response, self.body_limit, self.html_as_text, self._debug_page())
                finally:
                    self.seconds = time.perf_counter() - started
            self.committed = self.commit and bool(self.guarded)
        finally:
            _current.reset(token)

    def _enter_transactions(self, stack: contextlib.ExitStack) -> None:
        for alias in connections:
            try:
                stack.enter_context(transaction.atomic(using=alias))
            except Exception as exc:  # a database that can't be reached: the request can't write there either
                self.unguarded.append({"alias": alias, "error": f"{type(exc).__name__}: {exc}"})
            else:
                self.guarded.append(alias)
        # Runs before the blocks above end, whatever happens: unless asked to commit, they roll back.
        stack.callback(self._roll_back_unless_committing)

    def _roll_back_unless_committing(self) -> None:
        if self.commit:
            return  # an exception on its way out (an interrupt) rolls back all the same
        for alias in self.guarded:
            with contextlib.suppress(TransactionManagementError):
                transaction.set_rollback(True, using=alias)

    def _send(self, client: Client) -> HttpResponseBase:
        target, secure = _target(self.path)
        query_fields: list[tuple[str, str]] = []
        body: dict[str, Any] = {}
        if self.fields is not None and self.method in QUERY_METHODS:
            query_fields = _pairs(self.fields)
        elif self.fields is not None and self.method == "POST":
            body = {"data": self.fields}  # multipart/form-data, as a browser's form with files would
        elif self.fields is not None:
            body = {"data": urlencode(self.fields, doseq=True), "content_type": FORM_CONTENT}
        elif self.json_body is not None:
            body = {"data": self.json_body, "content_type": JSON_CONTENT}
        if query_fields:
            target = f"{target}{'&' if '?' in target else '?'}{urlencode(query_fields)}"
        send = getattr(client, self.method.lower())
        try:
            response: HttpResponseBase = send(
                target, follow=self.follow, secure=secure, headers=self.headers or None, **body
            )
        except RedirectCycleError as exc:
            self.notes.append(f"Following the redirects stopped: {exc}")
            response = exc.last_response
        return response

    def _debug_page(self) -> bool:
        """Whether the body is Django's debug page for the exception reported beside it."""
        return bool(settings.DEBUG) and self.run_state.exc_info is not None

    def result(self) -> ProbeResult:
        response = self.response
        status = response.status_code if response is not None else None
        chain = [{"url": str(url), "status": int(code)} for url, code in getattr(response, "redirect_chain", [])]
        final_path = self._final_path()
        view = None
        try:
            view = dict(resolve_path(final_path))
        except NotFound as exc:
            where = (
                "The 404 is the URLconf's: no view ran."
                if status == 404
                else "The response came from middleware, not from a view."
            )
            self.notes.insert(0, f"{final_path} resolves to no route. {exc} {where}")
            if status == 404 and settings.DEBUG and self.body is not None and self.body["text"] is not None:
                self.body.update(text=None, omitted="Django's debug 404 page, which lists every route: left out.")
        if response is not None and 300 <= response.status_code < 400 and not self.follow and response.get("Location"):
            self.notes.append(f"It redirects to {response['Location']}: pass follow=true to follow redirects.")
        queries = self.run_state.queries
        writes = sum(1 for query in queries if _statement(query.sql) in WRITES and query.error is None)
        self.notes.extend(self._transaction_notes(writes))
        if self.run_state.outbox:
            count = len(self.run_state.outbox)
            self.notes.append(f"{count} email{'s were' if count != 1 else ' was'} kept in memory and not sent.")
        exc_info = self.run_state.exc_info
        result: ProbeResult = {
            "request": {
                "method": self.method,
                "path": self.path,
                "host": self.host,
                "user": self.login,
                "follow": self.follow,
                "commit": self.commit,
            },
            "status": status,
            "reason": response.reason_phrase if response is not None else None,
            "redirect_chain": chain,
            "view": view,
            "templates": _templates(self.run_state.templates),
            "sql": _sql(queries),
            "transaction": {
                "aliases": self.guarded,
                "unguarded": self.unguarded,
                "writes": writes,
                "committed": self.committed,
                "rolled_back": bool(self.guarded) and not self.committed,
            },
            "mail": [_describe_mail(message) for message in self.run_state.outbox],
            "headers": {str(name): str(value) for name, value in response.items()} if response is not None else {},
            "cookies": sorted(str(name) for name in response.cookies) if response is not None else [],
            "body": self.body,
            "exception": logbook.describe_error(exc_info[1]) if exc_info is not None else None,
            "logs": logbook.records_since(self.logs_from, LOGS_LISTED),
            "stdout": "",
            "stderr": "",
            "duration_ms": round(self.seconds * 1000, 3),
            "notes": self.notes,
        }
        if self.interrupted is not None:
            result["interrupted"] = "timeout" if self.interrupted == "timeout" else "cancelled"
        return result

    def _final_path(self) -> str:
        request = getattr(self.response, "wsgi_request", None)
        if request is not None:
            return str(request.path_info)
        return urlsplit(self.path).path or "/"

    def _transaction_notes(self, writes: int) -> list[str]:
        notes = [
            f"Database {item['alias']} could not be put in a transaction ({item['error']}): "
            "what the request wrote there stays."
            for item in self.unguarded
        ]
        if self.committed:
            if writes:
                notes.append(f"The request ran {_statements(writes)} that change rows, committed (commit=true).")
        elif self.guarded and self.interrupted is None:
            if writes:
                notes.append(
                    f"The request ran {_statements(writes)} that change rows, rolled back: nothing was saved. "
                    "Pass commit=true to keep what the request writes."
                )
            if self.login is not None:
                notes.append(f"Signed in as {self.login} for this request; the session it made was rolled back too.")
        return notes


def _statements(count: int) -> str:
    return f"{count} statement{'s' if count != 1 else ''}"


def _interrupted_note(reason: str, timeout: float) -> str:
    why = f"timed out after {timeout:g} s" if reason == "timeout" else "was cancelled by the client"
    return (
        f"The request {why} and was interrupted: nothing it wrote was kept. What it did until then is shown; "
        "pass a larger timeout_seconds for a slow view."
    )


# --- the request ---------------------------------------------------------------------------------


def _form_fields(data: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """Form fields as a browser sends them: strings, or lists of strings for repeated fields."""
    fields: dict[str, str | list[str]] = {}
    for name, value in data.items():
        if isinstance(value, list):
            fields[str(name)] = [_field_value(str(name), item) for item in value]
        else:
            fields[str(name)] = _field_value(str(name), value)
    return fields


def _field_value(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise InvalidArguments(
        f"data[{name!r}] must be a string, number or boolean (or a list of them), not {type(value).__name__}"
    )


def _pairs(fields: Mapping[str, str | list[str]]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in fields.items():
        pairs.extend((name, item) for item in (value if isinstance(value, list) else [value]))
    return pairs


def _target(path: str) -> tuple[str, bool]:
    """The path with its query string (a full URL's scheme and host dropped), and whether it is HTTPS."""
    parts = urlsplit(path.strip())
    found = parts.path if parts.path.startswith("/") else f"/{parts.path}"
    return urlunsplit(("", "", found, parts.query, "")), parts.scheme == "https"


def _host_and_overrides(headers: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """The host the request names (one ALLOWED_HOSTS accepts), and the settings the probe overrides."""
    given = next((value for name, value in headers.items() if name.lower() == "host"), None)
    if given:
        return given, {}
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts and settings.DEBUG:
        hosts = [".localhost", "127.0.0.1", "[::1]"]  # what Django allows then
    for pattern in hosts:
        if pattern == "*":
            return "testserver", {}
        if pattern.startswith("."):
            return pattern[1:], {}
        if pattern:
            return pattern, {}
    return "testserver", {"ALLOWED_HOSTS": [*hosts, "testserver"]}


def _find_user(value: str | int) -> Any:
    """The user with this username (``USERNAME_FIELD``), else with this primary key; NotFound naming some."""
    model = get_user_model()
    manager = model._default_manager
    field = model.USERNAME_FIELD
    found = manager.filter(**{field: value}).first() if isinstance(value, str) else None
    if found is None:
        with contextlib.suppress(ValueError, TypeError, ValidationError):
            found = manager.filter(pk=value).first()
    if found is not None:
        return found
    names = [str(name) for name in manager.order_by("pk").values_list(field, flat=True)[:USERS_NAMED]]
    total = manager.count()
    some = f"Users: {', '.join(names)}" + (f" (the first {len(names)} of {total})" if total > len(names) else "")
    raise NotFound(
        f"No user {value!r}: no {model._meta.label} has {field} or primary key {value!r}. "
        + (f"{some}." if names else "There are no users.")
    )


@contextlib.contextmanager
def _templates_reported() -> Iterator[None]:
    """Django's templates send ``template_rendered`` while the block runs, as under the test runner."""
    if Template._render is instrumented_test_render:  # the test runner's set-up did it already
        yield
        return
    saved = Template._render
    Template._render = instrumented_test_render
    try:
        yield
    finally:
        Template._render = saved


# --- what happened ---------------------------------------------------------------------------


def _templates(rendered: list[Any]) -> list[dict[str, Any]]:
    """Each template once, in the order it was first rendered, with the file it came from."""
    seen: dict[tuple[str | None, str | None], dict[str, Any]] = {}
    for template in rendered:
        if getattr(template, "engine", None) is DEBUG_ENGINE:
            continue  # Django's own debug pages (the technical 404 and 500)
        origin = getattr(getattr(template, "origin", None), "name", None)
        origin = None if origin in (None, "<unknown source>") else str(origin)
        name = getattr(template, "name", None)
        key = (None if name is None else str(name), origin)
        if key in seen:
            seen[key]["renders"] += 1
        else:
            seen[key] = {"name": key[0], "origin": origin, "renders": 1}
    return list(seen.values())


def _sql(queries: list[_Query]) -> dict[str, Any]:
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for query in queries:
        shape = normalize_sql(query.sql)
        group = groups.setdefault(
            (query.alias, shape),
            {"alias": query.alias, "sql": shape, "count": 0, "seconds": 0.0, "select": _statement(shape) == "SELECT"},
        )
        group["count"] += 1
        group["seconds"] += query.seconds
    repeated = sorted((group for group in groups.values() if group["count"] > 1), key=lambda g: -g["count"])
    return {
        "count": len(queries),
        "time_ms": _ms(sum(query.seconds for query in queries)),
        "listed": min(len(queries), QUERIES_LISTED),
        "queries": [
            {
                "alias": query.alias,
                "sql": capture.cap_text(query.sql, SQL_LIMIT),
                "params": _params(query.params, query.many),
                "many": query.many,
                "time_ms": _ms(query.seconds),
                "error": query.error,
            }
            for query in queries[:QUERIES_LISTED]
        ],
        "repeated": [
            {
                "alias": group["alias"],
                "sql": capture.cap_text(group["sql"], SQL_LIMIT),
                "count": group["count"],
                "time_ms": _ms(group["seconds"]),
                "likely_n_plus_one": group["select"] and group["count"] >= N_PLUS_ONE,
            }
            for group in repeated[:GROUPS_LISTED]
        ],
    }


def normalize_sql(sql: str) -> str:
    """A statement without its values: literals and placeholders become ``?``, ``IN (?, ?, …)``
    becomes ``IN (...)``, whitespace one space. Statements that differ only in values are alike."""
    shape = _STRING.sub("?", sql)
    shape = shape.replace("%s", "?")
    shape = _NUMBER.sub("?", shape)
    shape = _IN_LIST.sub("(...)", shape)
    return _SPACE.sub(" ", shape).strip()


def _statement(sql: str) -> str:
    """The statement's first keyword, upper-case (``SELECT``, ``INSERT``…)."""
    rest = _LEADING_NOISE.sub("", sql, count=1)
    return rest.split(None, 1)[0].upper() if rest.strip() else ""


def _params(params: Any, many: bool) -> Any:
    if params is None:
        return None
    if many:
        rows = list(params)
        return {"rows": len(rows), "first": to_json(list(rows[0])[:PARAMS_SHOWN]) if rows else None}
    if isinstance(params, Mapping):
        return to_json(dict(list(params.items())[:PARAMS_SHOWN]))
    values = list(params)
    shown = to_json(values[:PARAMS_SHOWN])
    if len(values) > PARAMS_SHOWN:
        shown.append(f"[... {len(values) - PARAMS_SHOWN} more]")
    return shown


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _describe_mail(message: Any) -> dict[str, Any]:
    return {
        "subject": str(getattr(message, "subject", "")),
        "from_email": str(getattr(message, "from_email", "") or ""),
        "to": [str(address) for address in getattr(message, "to", [])],
        "cc": [str(address) for address in getattr(message, "cc", [])],
        "bcc": [str(address) for address in getattr(message, "bcc", [])],
        "reply_to": [str(address) for address in getattr(message, "reply_to", [])],
        "body": capture.cap_text(str(getattr(message, "body", "")), MAIL_BODY_LIMIT),
        "attachments": len(getattr(message, "attachments", [])),
        "alternatives": [str(alternative[1]) for alternative in getattr(message, "alternatives", [])],
    }


def _body(response: HttpResponseBase, limit: int, html_as_text: bool, debug_page: bool) -> dict[str, Any]:
    content_type = response.get("Content-Type")
    raw, complete = _content(response, limit)
    kind = (content_type or "").split(";")[0].strip().lower()
    body: dict[str, Any] = {
        "content_type": content_type,
        "length": len(raw) if complete else None,
        "text": None,
        "truncated": not complete,
        "as_text": False,
        "omitted": None,
    }
    if not raw:
        return body
    if debug_page and "html" in kind:
        body["omitted"] = f"Django's debug page for the exception reported in `exception` ({len(raw)} bytes): left out."
        return body
    text = _decode(raw, response, kind)
    if text is None:
        body["omitted"] = f"Binary content ({kind or 'no content type'}, {len(raw)} bytes): left out."
        return body
    if "json" in kind and complete:
        with contextlib.suppress(ValueError):
            parsed = json.loads(text)
            if len(text) <= limit:
                body["json"] = to_json(parsed)
                return body
    if html_as_text and "html" in kind:
        text = html_to_text(text)
        body["as_text"] = True
    body["text"] = capture.cap_text(text, limit)
    body["truncated"] = body["truncated"] or len(text) > limit
    return body


def _content(response: HttpResponseBase, limit: int) -> tuple[bytes, bool]:
    """The body's bytes; a streaming one read only as far as the limit needs (and then closed)."""
    if not response.streaming:
        return bytes(response.content), True
    wanted = limit * 4 + 4  # enough bytes for `limit` characters of UTF-8
    chunks: list[bytes] = []
    size = 0
    complete = True
    try:
        for chunk in response.streaming_content:
            chunks.append(bytes(chunk))
            size += len(chunk)
            if size > wanted:
                complete = False
                break
    finally:
        response.close()
    return b"".join(chunks), complete


def _decode(raw: bytes, response: HttpResponseBase, kind: str) -> str | None:
    textual = kind.startswith("text/") or any(word in kind for word in ("json", "xml", "javascript", "form"))
    charset = getattr(response, "charset", None) or "utf-8"
    if textual:
        return raw.decode(charset, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


class _TextOfHtml(HTMLParser):
    """The text a reader sees: no scripts or styles, a line per block, list items marked."""

    BLOCKS = frozenset(
        "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 "
        "header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
    )
    HIDDEN = frozenset({"script", "style", "template", "noscript", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n- " if tag == "li" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
