"""``request.probe``, ``logs.list`` and ``errors.last``: a request through the project, and what
this process logged and which request exceptions it saw.

The work is in ``..probe`` and ``..logbook``; ``probe`` imports Django's test client, so it is
imported when called (``dispatch`` imports this file before Django is set up, and also where
Django is missing).
"""

from __future__ import annotations

import os

from .. import logbook
from ..bootstrap import Context
from ..contract import LastErrorResult, LogsArgs, LogsResult, NoArgs, ProbeArgs, ProbeResult, SidecarInfo
from ..errors import InvalidArguments
from .shell import DEFAULT_OUTPUT_LIMIT

# logs returns at most this many records (or lines per file) unless asked for fewer.
LOGS_LIMIT = 100
LOGS_MAX_LIMIT = 1000


def request_probe(args: ProbeArgs, context: Context) -> ProbeResult:
    from ..probe import DEFAULT_BODY_LIMIT, probe

    return probe(
        args["method"],
        args["path"],
        headers=_strings(args.get("headers")),
        data=args.get("data"),
        json_body=args.get("json_body"),
        user=args.get("user"),
        follow=bool(args.get("follow")),
        commit=bool(args.get("commit")),
        html_as_text=bool(args.get("html_as_text")),
        body_limit=args.get("body_limit", DEFAULT_BODY_LIMIT),
        limit=args.get("limit", DEFAULT_OUTPUT_LIMIT),
        timeout=args["timeout"],
    )


def logs_list(args: LogsArgs, context: Context) -> LogsResult:
    _ensure_recording()
    source = args.get("source", "memory")
    if source not in ("memory", "files"):
        raise InvalidArguments(f'source must be "memory" or "files", not {source!r}')
    limit = args.get("limit", LOGS_LIMIT)
    if not 1 <= limit <= LOGS_MAX_LIMIT:
        raise InvalidArguments(f"limit must be between 1 and {LOGS_MAX_LIMIT}, not {limit}")
    listed = logbook.list_records(
        level=args.get("level"),
        logger=args.get("logger"),
        contains=args.get("contains"),
        since=args.get("since"),
        limit=limit,
    )
    result: LogsResult = {
        "source": "memory",
        "records": listed["records"],
        "files": [],
        "count": listed["count"],
        "matched": listed["matched"],
        "buffered": listed["buffered"],
        "capacity": listed["capacity"],
        "dropped": listed["dropped"],
        "recording_since": listed["recording_since"],
        "mcp": _sidecar(context),
        "note": _where_note(context),
    }
    if source == "files":
        files = logbook.tail_files(contains=args.get("contains"), limit=limit)
        lines = sum(len(file["lines"]) for file in files)
        result.update({"source": "files", "records": [], "files": files, "count": lines, "matched": lines})
        if not files:
            result["note"] = "The project's LOGGING configures no file handler: there are no log files to read."
    return result


def errors_last(args: NoArgs, context: Context) -> LastErrorResult:
    _ensure_recording()
    found = logbook.last_error()
    note = None
    if found["error"] is None:
        note = f"No unhandled request exception recorded since {found['recording_since']}."
        where = _where_note(context)
        if where:
            note = f"{note} {where}"
    return {
        "error": found["error"],
        "recorded": found["recorded"],
        "recording_since": found["recording_since"],
        "mcp": _sidecar(context),
        "note": note,
    }


def _ensure_recording() -> None:
    """Recording starts with the sidecar; a process that serves without it (an old entry point) starts now."""
    if not logbook.installed():
        logbook.install()


def _sidecar(context: Context) -> SidecarInfo:
    return {"mode": context.mode, "pid": os.getpid()}


def _where_note(context: Context) -> str | None:
    """What this process can have seen, unless it is the dev server a browser talks to."""
    if context.mode == "attached":
        return None
    what = "mcp-django's own Python process" if context.mode == "spawned" else "the manage.py mcp process"
    return (
        f"This is {what}, not your dev server: it records what runs here (shell code, commands, request probes), "
        "and starts afresh with each new process (after an edit of the project's code, say). To see the errors "
        "your browser hits, add mcp_django_bun to INSTALLED_APPS and run manage.py runserver: mcp-django attaches "
        "to it, and these tools then read the dev server's own records."
    )


def _strings(values: dict[str, str] | None) -> dict[str, str] | None:
    """A map argument's entries, which dispatch does not check one by one."""
    if values is not None and not all(isinstance(key, str) and isinstance(value, str) for key, value in values.items()):
        raise InvalidArguments("headers must map header names to strings")
    return values
