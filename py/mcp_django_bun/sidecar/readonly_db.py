"""Read-only mode, the enforcement: the database connections the sidecar's calls open refuse writes.

Every connection opened while read-only mode applies (``applies()``) is made read-only as it
opens, in three layers, the database first:

1. **The database.** PostgreSQL gets the startup option ``-c default_transaction_read_only=on``:
   every transaction of the session is read-only, so the server refuses INSERT, UPDATE, DELETE,
   MERGE, DDL, writable CTEs, DO blocks and functions that write, nextval(), COPY FROM… The
   startup value is also what RESET and DISCARD ALL go back to. When the settings name a
   read-only login role for the database (``MCP_DJANGO_READ_ONLY_DATABASES``), the sidecar logs
   in as that role, and the server refuses writes whatever the session does. SQLite opens the
   file with ``mode=ro`` (the library refuses to write it, whatever PRAGMA says), sets
   ``PRAGMA query_only = ON``, and an authorizer denies writes, DDL and ATTACH. MySQL and
   MariaDB get ``SET SESSION TRANSACTION READ ONLY``.
2. **The driver's cursors** (psycopg's ``cursor_factory``, an ``sqlite3.Connection`` subclass,
   MySQLdb's ``cursorclass``): each statement goes through ``readonly.refusal()`` first, so a
   raw cursor (``connection.connection.cursor()``) can't turn the session's read-only mode off
   (``SET default_transaction_read_only = off``, ``BEGIN READ WRITE``, ``PRAGMA query_only =
   OFF``…). On PostgreSQL, after each statement, the mode the server reports
   (``default_transaction_read_only`` is a reported parameter since PostgreSQL 14) is checked:
   a function that called ``set_config()`` is caught, and the mode put back.
3. **Django's ``execute_wrapper``** on each connection: the same check, for every backend.

Layers 2 and 3 raise ``ReadOnlyModeError`` (a ``django.db.DatabaseError``) with a message
naming read-only mode. Where it applies: the whole process (spawned sidecar, ``manage.py mcp``),
or in a dev server only the threads that serve MCP calls and the threads they start
(``runserver``'s own request handling keeps writing). There is no call to turn it off once on.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable
from typing import Any, Literal, NamedTuple
from urllib.parse import quote

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.utils import ConnectionHandler, DatabaseError

from . import readonly
from .contract import ReadOnlyInfo

Scope = Literal["process", "thread"]

# The PostgreSQL startup option: the session's transactions are read-only (and RESET returns there).
PG_READ_ONLY_OPTION = "-c default_transaction_read_only=on"
# Django setting: per database alias, the login role to use in read-only mode: {"USER", "PASSWORD"}.
READ_ONLY_DATABASES_SETTING = "MCP_DJANGO_READ_ONLY_DATABASES"


class ReadOnlyModeError(DatabaseError):
    """A statement refused because mcp-django is in read-only mode."""


class _State(NamedTuple):
    """The hooks' state, reached through these functions only (closures, not module attributes)."""

    applies: Callable[[], bool]
    current: Callable[[], ReadOnlyInfo | None]
    set_process: Callable[[ReadOnlyInfo | None, readonly.Request | None], ReadOnlyInfo | None]
    set_thread: Callable[[threading.Thread, ReadOnlyInfo], None]


_state: _State | None = None
_install_lock = threading.Lock()


def prepare_process(request: readonly.Request) -> None:
    """Before ``django.setup()`` in a spawned sidecar: connections opened from now on, even while
    the project's apps load, follow ``request`` (``"auto"`` is decided at the first connection)."""
    _installed().set_process(None, request)


def enforce(request: readonly.Request, why: str, scope: Scope) -> ReadOnlyInfo:
    """Apply the MCP server's request to the whole process or to this thread (and the threads it
    starts); returns what is now in force. Once on, it stays on: a later "off" is ignored."""
    state = _installed()
    info = readonly.decide(request, why)
    if scope == "process":
        info = state.set_process(info, None) or info
    else:
        state.set_thread(threading.current_thread(), info)
    if info["on"]:
        try:
            open_wrappers = connections.all(initialized_only=True)
        except Exception:  # settings that can't be read: no connection could be open
            open_wrappers = []
        # Connections already open on this thread reopen read-only at their next use.
        for wrapper in open_wrappers:
            _prepare(wrapper)
            if wrapper.connection is not None and not wrapper.in_atomic_block:
                wrapper.close()
    return info


def current() -> ReadOnlyInfo | None:
    """Read-only mode as it applies to this thread's calls; None when the MCP server never said."""
    return _state.current() if _state is not None else None


def _installed() -> _State:
    global _state
    with _install_lock:
        if _state is None:
            _state = _install()
        return _state


def _install() -> _State:
    lock = threading.Lock()
    process: list[ReadOnlyInfo | None] = [None]
    pending: list[readonly.Request | None] = [None]
    threads: weakref.WeakKeyDictionary[threading.Thread, ReadOnlyInfo] = weakref.WeakKeyDictionary()

    def process_info() -> ReadOnlyInfo | None:
        with lock:
            if process[0] is None and pending[0] is not None:
                process[0] = readonly.decide(pending[0])  # "auto" reads the settings, loaded by now
            return process[0]

    def current() -> ReadOnlyInfo | None:
        return threads.get(threading.current_thread()) or process_info()

    def applies() -> bool:
        info = current()
        return info is not None and info["on"]

    def set_process(info: ReadOnlyInfo | None, request: readonly.Request | None) -> ReadOnlyInfo | None:
        with lock:
            if request is not None and process[0] is None:
                pending[0] = request
            if info is not None:
                was = process[0]
                # On stays on (the newer reason is kept: it names the flag).
                process[0] = info if was is None or info["on"] or not was["on"] else was
            return process[0]

    def set_thread(thread: threading.Thread, info: ReadOnlyInfo) -> None:
        # A thread without a mode of its own has the process's: on stays on there too.
        was = threads.get(thread) or process_info()
        threads[thread] = info if was is None or info["on"] or not was["on"] else was

    # Every connection wrapper made from now on, on any thread, checks at connect time.
    create_connection = ConnectionHandler.create_connection

    def create_read_only_aware_connection(self: ConnectionHandler, alias: str) -> Any:
        wrapper = create_connection(self, alias)
        _prepare(wrapper)
        return wrapper

    ConnectionHandler.create_connection = create_read_only_aware_connection

    def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
        if applies():
            _on_open(connection)

    connection_created.connect(on_connection_created, weak=False, dispatch_uid="mcp_django_read_only")

    # A thread started by a read-only thread is read-only too (a dev server's own threads are not).
    start = threading.Thread.start

    def start_inheriting(self: threading.Thread) -> None:
        inherited = threads.get(threading.current_thread())
        if inherited is not None:
            threads[self] = inherited
        start(self)

    threading.Thread.start = start_inheriting  # type: ignore[method-assign]
    return _State(applies, current, set_process, set_thread)


def _applies() -> bool:
    return _state is not None and _state.applies()


# --- at connect time ------------------------------------------------------------------------------


def _prepare(wrapper: Any) -> None:
    """Wrap this connection wrapper's ``get_connection_params``: read-only options when it applies."""
    if "_mcp_read_only_prepared" in wrapper.__dict__:
        return
    wrapper._mcp_read_only_prepared = True
    original = wrapper.get_connection_params

    def get_connection_params() -> dict[str, Any]:
        if not _applies():
            return original()  # type: ignore[no-any-return]
        _without_pool(wrapper)
        return _read_only_params(wrapper, original())

    wrapper.get_connection_params = get_connection_params


def _without_pool(wrapper: Any) -> None:
    """A Django 5.1+ connection pool is shared with the rest of the process: not for read-only connections."""
    options = wrapper.settings_dict.get("OPTIONS") or {}
    if wrapper.vendor == "postgresql" and options.get("pool"):
        wrapper.settings_dict = {**wrapper.settings_dict, "OPTIONS": {k: v for k, v in options.items() if k != "pool"}}


def _read_only_params(wrapper: Any, params: dict[str, Any]) -> dict[str, Any]:
    params = dict(params)
    vendor = wrapper.vendor
    role = _read_only_role(wrapper.alias)
    if vendor == "postgresql":
        params["options"] = f"{params.get('options') or ''} {PG_READ_ONLY_OPTION}".strip()
        params["cursor_factory"] = _guarded_cursor_class(
            params.get("cursor_factory") or _psycopg_cursor(), "postgresql"
        )
    elif vendor == "sqlite":
        uri = _sqlite_read_only_uri(params.get("database"))
        if uri is not None:
            params["database"], params["uri"] = uri, True
        params["factory"] = _sqlite_connection_class(params.get("factory") or sqlite3.Connection)
    elif vendor == "mysql":
        # mysqlclient, Django's driver; another MySQL driver gets the session setting and Django's layer.
        cursor_class = params.get("cursorclass") or _mysqldb_cursor()
        if cursor_class is not None:
            params["cursorclass"] = _guarded_cursor_class(cursor_class, "mysql")
    if role and vendor in ("postgresql", "mysql"):
        params["user"] = role.get("USER") or params.get("user")
        if role.get("PASSWORD"):
            params["password"] = role["PASSWORD"]
    return params


def _mysqldb_cursor() -> type | None:
    try:
        import MySQLdb.cursors
    except ImportError:
        return None
    return MySQLdb.cursors.Cursor  # type: ignore[no-any-return]


def _read_only_role(alias: str) -> dict[str, str]:
    from django.conf import settings

    roles = getattr(settings, READ_ONLY_DATABASES_SETTING, None) or {}
    role = roles.get(alias) if isinstance(roles, dict) else None
    return role if isinstance(role, dict) else {}


def _on_open(wrapper: Any) -> None:
    """Just opened, read-only: the session settings, and Django's layer of the guard."""
    if _guard not in wrapper.execute_wrappers:
        wrapper.execute_wrappers.append(_guard)
    raw = wrapper.connection
    if wrapper.vendor == "sqlite":
        sqlite3.Connection.execute(raw, "PRAGMA query_only = ON")
        raw.set_authorizer(_sqlite_authorizer)
    elif wrapper.vendor == "postgresql" and _pg_parameter(raw, "default_transaction_read_only") != "on":
        # Not reported (PostgreSQL before 14), or a pooler dropped the startup option.
        _unguarded_execute(raw, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    elif wrapper.vendor == "mysql":
        _unguarded_execute(raw, "SET SESSION TRANSACTION READ ONLY")


def _guard(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """Django's layer: refuse before the statement reaches the driver."""
    wrapper = context["connection"]
    why = readonly.refusal(_sql_text(sql, wrapper.connection), wrapper.vendor)
    if why is not None:
        raise ReadOnlyModeError(readonly.message(why))
    return execute(sql, params, many, context)


def _refuse(query: Any, raw: Any, vendor: str) -> None:
    why = readonly.refusal(_sql_text(query, raw), vendor)
    if why is not None:
        raise ReadOnlyModeError(readonly.message(why))


def _sql_text(query: Any, raw: Any) -> str:
    if isinstance(query, str):
        return query
    if isinstance(query, (bytes, bytearray, memoryview)):
        return bytes(query).decode("utf-8", "replace")
    as_string = getattr(query, "as_string", None)  # psycopg's sql.Composed
    if callable(as_string):
        try:
            return str(as_string(raw))
        except Exception:
            pass
    return str(query)


# --- the drivers' cursors -------------------------------------------------------------------------


def _psycopg_cursor() -> type:
    try:
        import psycopg

        return psycopg.ClientCursor
    except ImportError:
        import psycopg2.extensions

        return psycopg2.extensions.cursor  # type: ignore[no-any-return]


@functools.cache
def _guarded_cursor_class(base: Any, vendor: str) -> type:
    """``base`` whose statements go through the guard (and, on PostgreSQL, the mode check after)."""

    def execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        _refuse(query, self.connection, vendor)
        result = base.execute(self, query, *args, **kwargs)
        if vendor == "postgresql":
            _pg_check_mode(self, base)
        return result

    def executemany(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        _refuse(query, self.connection, vendor)
        result = base.executemany(self, query, *args, **kwargs)
        if vendor == "postgresql":
            _pg_check_mode(self, base)
        return result

    methods: dict[str, Any] = {"execute": execute, "executemany": executemany, "__module__": __name__}
    for name in ("copy", "stream", "copy_expert"):  # psycopg 3's copy() and stream(), psycopg2's copy_expert()
        if hasattr(base, name):
            methods[name] = _checked_first(getattr(base, name), vendor)
    if hasattr(base, "copy_from"):  # psycopg2: always a write

        def copy_from(self: Any, file: Any, table: str, *args: Any, **kwargs: Any) -> Any:
            raise ReadOnlyModeError(readonly.message(f"this statement would write: COPY {table} FROM STDIN"))

        methods["copy_from"] = copy_from
    return type(f"ReadOnly{base.__name__}", (base,), methods)


def _checked_first(method: Callable[..., Any], vendor: str) -> Callable[..., Any]:
    def checked(self: Any, statement: Any, *args: Any, **kwargs: Any) -> Any:
        _refuse(statement, self.connection, vendor)
        return method(self, statement, *args, **kwargs)

    return checked


def _pg_parameter(raw: Any, name: str) -> str | None:
    info = getattr(raw, "info", None)  # psycopg 3
    if info is not None:
        return info.parameter_status(name)  # type: ignore[no-any-return]
    get = getattr(raw, "get_parameter_status", None)  # psycopg2
    return get(name) if get is not None else None


def _pg_check_mode(cursor: Any, base: Any) -> None:
    """The statement turned the session's read-only mode off (a function calling set_config()):
    put it back at once, before anything else runs, and say so."""
    if _pg_parameter(cursor.connection, "default_transaction_read_only") != "off":
        return
    base.execute(cursor, "SET default_transaction_read_only = on")
    raise ReadOnlyModeError(
        readonly.message(
            "this statement turned read-only mode off (with set_config()); it is on again, and the"
            " statement itself ran read-only"
        )
    )


def _unguarded_execute(raw: Any, sql: str) -> None:
    """Our own session settings, past our guarded cursor class."""
    cursor = raw.cursor()
    try:
        plain: Any = next(cls for cls in type(cursor).__mro__ if not cls.__name__.startswith("ReadOnly"))
        plain.execute(cursor, sql)
    finally:
        cursor.close()


# --- SQLite ---------------------------------------------------------------------------------------


def _sqlite_read_only_uri(database: Any) -> str | None:
    """The database as a ``mode=ro`` URI; None for an in-memory database (private to the connection anyway)."""
    if database is None:
        return None
    name = os.fspath(database)
    if not name or ":memory:" in name or "mode=memory" in name:
        return None
    if name.startswith("file:"):
        path, _, query = name.partition("?")
        kept = [part for part in query.split("&") if part and not part.startswith("mode=")]
        return f"{path}?{'&'.join([*kept, 'mode=ro'])}"
    return f"file:{quote(os.path.abspath(name))}?mode=ro"


def _guarded_sqlite_executes(base: Any) -> dict[str, Any]:
    """``execute``, ``executemany`` and ``executescript`` of ``base`` (a cursor or a connection
    class), each checking its SQL with the guard first."""

    def execute(self: Any, sql: Any, *args: Any) -> Any:
        _refuse(sql, None, "sqlite")
        return base.execute(self, sql, *args)

    def executemany(self: Any, sql: Any, *args: Any) -> Any:
        _refuse(sql, None, "sqlite")
        return base.executemany(self, sql, *args)

    def executescript(self: Any, script: Any) -> Any:
        _refuse(script, None, "sqlite")
        return base.executescript(self, script)

    return {"execute": execute, "executemany": executemany, "executescript": executescript}


@functools.cache
def _sqlite_cursor_class(base: Any) -> type:
    methods = {**_guarded_sqlite_executes(base), "__module__": __name__}
    return type(f"ReadOnly{base.__name__}", (base,), methods)


@functools.cache
def _sqlite_connection_class(base: Any) -> type:
    """``sqlite3.Connection`` whose cursors (and execute shortcuts) go through the guard."""

    def cursor(self: Any, factory: type = sqlite3.Cursor) -> Any:
        return base.cursor(self, _sqlite_cursor_class(factory))

    methods = {"cursor": cursor, **_guarded_sqlite_executes(base), "__module__": __name__}
    return type(f"ReadOnly{base.__name__}", (base,), methods)


_SQLITE_DENIED = frozenset(
    getattr(sqlite3, name)
    for name in (
        "SQLITE_INSERT",
        "SQLITE_UPDATE",
        "SQLITE_DELETE",
        "SQLITE_CREATE_INDEX",
        "SQLITE_CREATE_TABLE",
        "SQLITE_CREATE_TEMP_INDEX",
        "SQLITE_CREATE_TEMP_TABLE",
        "SQLITE_CREATE_TEMP_TRIGGER",
        "SQLITE_CREATE_TEMP_VIEW",
        "SQLITE_CREATE_TRIGGER",
        "SQLITE_CREATE_VIEW",
        "SQLITE_CREATE_VTABLE",
        "SQLITE_DROP_INDEX",
        "SQLITE_DROP_TABLE",
        "SQLITE_DROP_TEMP_INDEX",
        "SQLITE_DROP_TEMP_TABLE",
        "SQLITE_DROP_TEMP_TRIGGER",
        "SQLITE_DROP_TEMP_VIEW",
        "SQLITE_DROP_TRIGGER",
        "SQLITE_DROP_VIEW",
        "SQLITE_DROP_VTABLE",
        "SQLITE_ALTER_TABLE",
        "SQLITE_REINDEX",
        "SQLITE_ANALYZE",
        "SQLITE_ATTACH",
    )
    if hasattr(sqlite3, name)
)


def _sqlite_authorizer(
    action: int, arg1: str | None, arg2: str | None, database: str | None, source: str | None
) -> int:
    """SQLite asks before it runs anything: writes, DDL, ATTACH (which would create a file) and
    the pragmas that write or lift query_only are denied."""
    if action in _SQLITE_DENIED:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and arg2 is not None and readonly.writing_pragma((arg1 or "").lower(), True):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK
