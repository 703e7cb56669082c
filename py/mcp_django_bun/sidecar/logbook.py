"""The project's log records and unhandled request exceptions, kept in memory for ``logs`` and
``last_error``.

``install()`` (once Django is set up, in every way a sidecar runs) adds a handler to the root
logger that keeps the last ``CAPACITY`` records in a ring buffer, each message capped. It changes
no logger's level: a record reaches it when the project's configuration lets it through, as it
would reach a handler of the project's own on the root logger. ``django.request`` and
``django.db.backends`` get the handler too when the project stops them from propagating to the
root. It also listens to ``got_request_exception``: each unhandled exception of a request, with the
request's method, path and user and the traceback, project frames first-class.

Inside a dev server (attached) this is the dev server's process: the errors a browser's requests
just hit are there. A spawned sidecar only sees what runs in it (shell code, commands, request
probes), and starts with an empty buffer in each new process (after an edit of the project's
code, say).
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .capture import cap_text
from .errors import MESSAGE_LIMIT, TRACEBACK_LIMIT

# How many log records the buffer keeps (the oldest go first), and how many request exceptions.
CAPACITY = 1000
ERRORS_KEPT = 20
# A record's message, and its exception text, are capped.
RECORD_MESSAGE_LIMIT = 4000
EXCEPTION_TEXT_LIMIT = 10_000
# A request's path, and a line of a log file, are capped too.
PATH_LIMIT = 2000
# Loggers Django sends request errors and SQL to, which a project may keep from propagating.
DJANGO_LOGGERS = ("django.request", "django.db.backends")
# What logs(source="files") reads of each file: its end, at most this many bytes.
TAIL_BYTES = 1_000_000

# Frames from this package are left out of tracebacks: they are the sidecar, not the project.
_SIDECAR_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_LIBRARY_DIRS = ("site-packages", "dist-packages")


@dataclass(frozen=True)
class _Entry:
    seq: int
    created: float
    levelno: int
    thread: int
    record: dict[str, Any]


class _Book:
    """The buffer of records and of request exceptions; thread-safe (a dev server logs from many)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.records: collections.deque[_Entry] = collections.deque(maxlen=CAPACITY)
        self.errors: collections.deque[dict[str, Any]] = collections.deque(maxlen=ERRORS_KEPT)
        self.seq = 0
        self.errors_seen = 0
        self.started: float | None = None

    def add(self, created: float, levelno: int, record: dict[str, Any]) -> None:
        with self.lock:
            self.seq += 1
            self.records.append(_Entry(self.seq, created, levelno, threading.get_ident(), record))

    def add_error(self, error: dict[str, Any]) -> None:
        with self.lock:
            self.errors_seen += 1
            self.errors.append(error)

    def entries(self) -> list[_Entry]:
        with self.lock:
            return list(self.records)


_book = _Book()
# Set while a request probe runs on this thread (or task): its exceptions are the probe's.
_probing: contextvars.ContextVar[bool] = contextvars.ContextVar("mcp_probing", default=False)


class RingHandler(logging.Handler):
    """Keeps each record it gets in the buffer."""

    # How install() recognizes one already there (this module may have been imported twice).
    mcp_django_logbook = True

    def emit(self, record: logging.LogRecord) -> None:
        try:
            entry = {
                "time": iso_time(record.created),
                "level": record.levelname,
                "logger": record.name,
                "message": cap_text(record.getMessage(), RECORD_MESSAGE_LIMIT),
                "file": record.pathname or None,
                "line": record.lineno or None,
                "exception": _exception_text(record),
            }
        except Exception:
            self.handleError(record)
            return
        _book.add(record.created, record.levelno, entry)


def install() -> None:
    """Start keeping records and request exceptions (idempotent: one handler per process)."""
    from django.core.signals import got_request_exception

    root = logging.getLogger()
    handler = next((found for found in root.handlers if getattr(found, "mcp_django_logbook", False)), None)
    if handler is None:
        handler = RingHandler()
        root.addHandler(handler)
    if _book.started is None:
        _book.started = time.time()
    for name in DJANGO_LOGGERS:
        logger = logging.getLogger(name)
        if not _reaches_root(logger) and handler not in logger.handlers:
            logger.addHandler(handler)
    got_request_exception.connect(_on_request_exception, dispatch_uid="mcp_django_bun.logbook")


def _reaches_root(logger: logging.Logger) -> bool:
    current: logging.Logger | None = logger
    while current is not None and current is not logging.getLogger():
        if not current.propagate:
            return False
        current = current.parent
    return True


@contextlib.contextmanager
def probing() -> Iterator[int]:
    """A request probe runs in the block; yields the sequence number records after it start from."""
    token = _probing.set(True)
    try:
        with _book.lock:
            start = _book.seq
        yield start
    finally:
        _probing.reset(token)


def records_since(seq: int, limit: int) -> list[dict[str, Any]]:
    """Records this thread logged after ``seq`` (a probe's own), the last ``limit`` of them."""
    thread = threading.get_ident()
    found = [entry.record for entry in _book.entries() if entry.seq > seq and entry.thread == thread]
    return found[-limit:]


def _on_request_exception(sender: object, request: Any = None, **kwargs: object) -> None:
    exc = sys.exc_info()[1]
    if exc is None:
        return
    _book.add_error(
        {
            "time": iso_time(time.time()),
            "method": str(getattr(request, "method", None) or ""),
            "path": cap_text(_path_of(request), PATH_LIMIT),
            "user": _user_of(request),
            "source": "probe" if _probing.get() else "request",
            "exception": describe_error(exc),
        }
    )


def _path_of(request: Any) -> str:
    try:
        return str(request.get_full_path())
    except Exception:
        return str(getattr(request, "path", ""))


def _user_of(request: Any) -> str | None:
    """The signed-in user, as str() shows it; None for anonymous, or when it can't be known (the
    request failed before authentication, or the database can't answer now)."""
    try:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return str(user)
    except Exception:
        pass
    return None


# --- reading ------------------------------------------------------------------------------------


def list_records(
    level: str | None = None,
    logger: str | None = None,
    contains: str | None = None,
    since: float | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    """The buffered records that match, newest last: the last ``limit`` of them."""
    minimum = _level_number(level) if level else None
    needle = contains.lower() if contains else None
    entries = _book.entries()
    matched = [
        entry.record
        for entry in entries
        if (minimum is None or entry.levelno >= minimum)
        and (logger is None or _under(entry.record["logger"], logger))
        and (since is None or entry.created >= since)
        and (needle is None or needle in _searchable(entry.record))
    ]
    shown = matched[-limit:] if limit else []
    with _book.lock:
        dropped = max(0, _book.seq - len(_book.records))
    return {
        "records": shown,
        "count": len(shown),
        "matched": len(matched),
        "buffered": len(entries),
        "capacity": CAPACITY,
        "dropped": dropped,
        "recording_since": recording_since(),
    }


def last_error() -> dict[str, Any]:
    """The most recent unhandled request exception (None when there was none), and how many there were."""
    with _book.lock:
        error = _book.errors[-1] if _book.errors else None
        seen = _book.errors_seen
    return {"error": error, "recorded": seen, "recording_since": recording_since()}


def recording_since() -> str | None:
    return iso_time(_book.started) if _book.started is not None else None


def installed() -> bool:
    return _book.started is not None


def _level_number(level: str) -> int:
    number = logging.getLevelName(level.upper())
    if not isinstance(number, int):
        from .errors import InvalidArguments

        raise InvalidArguments(f"level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not {level!r}")
    return number


def _under(name: str, prefix: str) -> bool:
    """Whether logger ``name`` is ``prefix`` or below it (``django`` covers ``django.request``)."""
    prefix = prefix.rstrip(".")
    return name == prefix or name.startswith(f"{prefix}.")


def _searchable(record: dict[str, Any]) -> str:
    return f"{record['message']}\n{record['exception'] or ''}".lower()


def log_files() -> list[str]:
    """The files the project's logging writes to: every ``FileHandler``'s (rotating ones too)."""
    loggers = [logging.getLogger()] + [
        found for found in logging.Logger.manager.loggerDict.values() if isinstance(found, logging.Logger)
    ]
    files: list[str] = []
    for logger in loggers:
        for handler in logger.handlers:
            if isinstance(handler, logging.FileHandler) and handler.baseFilename not in files:
                files.append(handler.baseFilename)
    return files


def tail_files(contains: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The last ``limit`` lines (containing ``contains``, when given) of each log file."""
    needle = contains.lower() if contains else None
    tails: list[dict[str, Any]] = []
    for path in log_files():
        try:
            size = os.path.getsize(path)
            with open(path, "rb") as file:
                file.seek(max(0, size - TAIL_BYTES))
                text = file.read().decode("utf-8", errors="replace")
        except OSError as exc:
            tails.append({"path": path, "size": None, "lines": [], "error": f"{type(exc).__name__}: {exc}"})
            continue
        lines = text.splitlines()
        if size > TAIL_BYTES and lines:
            lines = lines[1:]  # the first line read may be cut
        if needle is not None:
            lines = [line for line in lines if needle in line.lower()]
        shown = [cap_text(line, RECORD_MESSAGE_LIMIT) for line in lines[-limit:]] if limit else []
        tails.append({"path": path, "size": size, "lines": shown, "error": None})
    return tails


# --- exceptions, project frames first -------------------------------------------------------------


def describe_error(exc: BaseException) -> dict[str, Any]:
    """``exc`` with its traceback as frames: the project's in full and marked ``project``, runs of
    library frames collapsed into a count with their packages. The frame that raised is always
    shown in full; ``origin`` is the innermost project frame, where the project's code was when it
    happened."""
    roots = _project_roots()
    extracted = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not os.path.abspath(frame.filename).startswith(_SIDECAR_DIR)
    ][-TRACEBACK_LIMIT:]
    frames: list[dict[str, Any]] = []
    library: dict[str, Any] | None = None
    origin: dict[str, Any] | None = None
    for index, frame in enumerate(extracted):
        project = is_project_file(frame.filename, roots)
        if project or index == len(extracted) - 1:
            library = None
            described = {
                "kind": "frame",
                "project": project,
                "file": frame.filename,
                "line": frame.lineno,
                "function": frame.name,
                "code": frame.line or None,
            }
            frames.append(described)
            if project:
                origin = described
            continue
        package = _package_of(frame.filename)
        if library is None:
            library = {"kind": "library", "project": False, "frames": 0, "packages": []}
            frames.append(library)
        library["frames"] += 1
        if package not in library["packages"]:
            library["packages"].append(package)
    cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return {
        "exc_type": type(exc).__name__,
        "message": cap_text(str(exc), MESSAGE_LIMIT),
        "frames": frames,
        "origin": origin,
        "cause": None
        if cause is None
        else {"exc_type": type(cause).__name__, "message": cap_text(str(cause), MESSAGE_LIMIT)},
    }


def project_root() -> str:
    """The project's folder: ``settings.BASE_DIR`` when it is set, else the working directory."""
    from django.conf import settings

    base = getattr(settings, "BASE_DIR", None)
    return os.path.abspath(str(base)) if base else os.getcwd()


def _project_roots() -> list[str]:
    root = project_root()
    return sorted({root, os.path.realpath(root)})


def is_project_file(filename: str, roots: list[str]) -> bool:
    """Whether a file is the project's own: under its folder, and not in a virtualenv or site-packages there."""
    path = os.path.abspath(filename)
    candidates = {path, os.path.realpath(path)}
    if not any(candidate.startswith(root + os.sep) for candidate in candidates for root in roots):
        return False
    if any(part in _LIBRARY_DIRS for part in path.split(os.sep)):
        return False
    prefixes = {os.path.abspath(prefix) + os.sep for prefix in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    return not any(candidate.startswith(prefix) for candidate in candidates for prefix in prefixes)


def _package_of(filename: str) -> str:
    """The top-level package a library file belongs to (``django``), or ``python`` for the standard library."""
    parts = os.path.abspath(filename).split(os.sep)
    for index, part in enumerate(parts[:-1]):
        if part in _LIBRARY_DIRS:
            return parts[index + 1].removesuffix(".py")
    if filename.startswith("<"):
        return filename  # <frozen runpy>, <string>
    return "python" if os.path.abspath(filename).startswith(os.path.abspath(sys.base_prefix) + os.sep) else "other"


def _exception_text(record: logging.LogRecord) -> str | None:
    if record.exc_text:
        text = record.exc_text
    elif record.exc_info and record.exc_info[0] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    else:
        return None
    return cap_text(text, EXCEPTION_TEXT_LIMIT)


def iso_time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="milliseconds")
