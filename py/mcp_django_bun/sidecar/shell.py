"""The stateful shell: runs code in a persistent namespace per session.

If the last top-level statement is an expression its value is returned, like the interactive
interpreter. That is decided on the ``ast``, so multi-line expressions and line continuations
work. The ``repr()`` is computed here, in the same thread and context that ran the code: an
unevaluated QuerySet as the last line runs its query now, where database access is allowed.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import linecache
from collections.abc import Iterator, Mapping
from typing import Any

from . import capture, forks, history, interrupts, stdin
from .contract import ExceptionInfo, RestoreStep, RunRecord, ShellExecuteResult
from .errors import StateMissing, describe_exception

SHELL_FILENAME = "<shell>"
# The exception types an interrupted run reports, by interrupt reason.
_INTERRUPT_TYPES = {"timeout": "TimeoutError", "cancelled": "CancelledError"}

# Namespaces by connection, then by session: a connection's sessions are its own and end with it.
# A call stuck in C when its connection ended keeps writing to the namespace it started with,
# which a later connection of the same client (same session names) never sees.
_namespaces: dict[str, dict[str, dict[str, Any]]] = {}
_connection: contextvars.ContextVar[str] = contextvars.ContextVar("mcp_shell_connection", default="")


@contextlib.contextmanager
def connection(name: str) -> Iterator[None]:
    """Calls made on this thread in the block use (and create) the sessions of connection ``name``."""
    token = _connection.set(name)
    try:
        yield
    finally:
        _connection.reset(token)


def drop_connection(name: str) -> None:
    """The sessions of connection ``name`` end (a call still running there keeps its namespace)."""
    _namespaces.pop(name, None)


def _sessions() -> dict[str, dict[str, Any]]:
    return _namespaces.setdefault(_connection.get(), {})


def _namespace(session: str) -> dict[str, Any]:
    return _sessions().setdefault(session, {"__name__": "__main__"})


def reset(session: str) -> None:
    _sessions().pop(session, None)


def sessions() -> list[str]:
    """The sessions of the calling connection (for a look from the shell itself)."""
    return sorted(_sessions())


def execute(
    session: str,
    code: str,
    limit: int,
    timeout: float,
    has_state: bool = False,
    restore: list[RestoreStep] | None = None,
) -> ShellExecuteResult:
    """Run ``code``; the caller makes it interruptible (``interrupts.interruptible``).

    A session new to this sidecar first re-runs ``restore`` (its imports and definitions from
    an earlier sidecar); without it, a caller that expects state (``has_state``) is told the
    state is missing instead of having its code run in an empty namespace.
    """
    fresh = session not in _sessions()
    if fresh and has_state and restore is None:
        raise StateMissing(f"shell session {session!r} has no state in this sidecar")
    namespace = _namespace(session)
    output: dict[str, Any]
    failures = None
    before = history.snapshot(namespace)
    # Set to None once restored: still there after the run means the restore was interrupted.
    to_restore = restore if fresh else None
    ended: BaseException | None = None
    # No prompt can be answered here; under manage.py mcp, stdin is the MCP client's stream.
    with capture.capturing(limit) as (stdout, stderr), stdin.closed():
        try:
            if to_restore is not None:
                # What restoring prints is not this call's output; an interrupt stops it like the code.
                with capture.capturing(limit):
                    failures = history.replay(to_restore, namespace)
                to_restore = None
                before = history.snapshot(namespace)
            output = _run(code, namespace, limit)
            status = "success"
        except interrupts.Interrupted as exc:
            ended = exc
            status, output = "error", {"exception": _describe_interrupt(exc, timeout, to_restore is not None)}
        except BaseException as exc:  # SystemExit and KeyboardInterrupt too: the sidecar stays up
            ended = exc
            status, output = "error", {"exception": describe_exception(exc)}
    if forks.in_child():
        # A process the code forked has reached the end of the code, as of a script.
        forks.exit_child(ended)
    if to_restore is not None:
        # Interrupted while restoring: the code never ran, and a half-restored session is
        # restored again by the next call.
        reset(session)
        record: RunRecord = {"statements": [], "deleted": []}
    else:
        record = history.record(code, before, namespace)
    result: ShellExecuteResult = {
        "status": status,
        "output": output,
        "stdout": stdout.getvalue(),
        "stderr": stderr.getvalue(),
        "record": record,
    }
    if failures is not None:
        result["restore_failures"] = failures
    return result


def _run(code: str, namespace: dict[str, Any], limit: int) -> dict[str, str]:
    # Tracebacks of this run show its source lines.
    linecache.cache[SHELL_FILENAME] = (len(code), None, code.splitlines(True), SHELL_FILENAME)
    tree = ast.parse(code, SHELL_FILENAME, "exec")
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr):
        tree.body.pop()
    exec(compile(tree, SHELL_FILENAME, "exec"), namespace)
    if not isinstance(last, ast.Expr):
        return {}
    value = eval(compile(ast.Expression(last.value), SHELL_FILENAME, "eval"), namespace)
    if value is not None:
        namespace["_"] = value
    return {"value": capture.cap_text(repr(value), limit), "value_type": type(value).__name__}


def was_interrupted(result: Mapping[str, Any]) -> bool:
    """Whether ``result`` is that of an ``execute()`` whose code was interrupted (timeout or cancel)."""
    output = result.get("output")
    exception = output.get("exception") if isinstance(output, dict) else None
    return isinstance(exception, dict) and exception.get("exc_type") in _INTERRUPT_TYPES.values()


def _describe_interrupt(exc: interrupts.Interrupted, timeout: float, restoring: bool) -> ExceptionInfo:
    described = describe_exception(exc)
    described["exc_type"] = _INTERRUPT_TYPES[exc.reason]
    if restoring:
        described["message"] = (
            "Interrupted while restoring the session's imports and definitions, before the code ran. "
            "The next call restores them again."
        )
    elif exc.reason == "timeout":
        described["message"] = (
            f"Execution timed out after {timeout:g} s and was interrupted. The session is kept: "
            "variables set before the interruption still exist. Pass a larger timeout_seconds "
            "for long work."
        )
    else:
        described["message"] = "Execution was cancelled by the client. The session is kept."
    return described
