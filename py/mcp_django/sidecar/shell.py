"""The stateful shell: runs code in a persistent namespace per session.

If the last top-level statement is an expression its value is returned, like the interactive
interpreter. That is decided on the ``ast``, so multi-line expressions and line continuations
work. The ``repr()`` is computed here, in the same thread and context that ran the code: an
unevaluated QuerySet as the last line runs its query now, where database access is allowed.
"""

from __future__ import annotations

import ast
import linecache
import os
import traceback
from typing import Any

from . import capture, interrupts

SHELL_FILENAME = "<shell>"
_SIDECAR_DIR = os.path.dirname(os.path.abspath(__file__))
_INTERRUPT_TYPES = {"timeout": "TimeoutError", "cancelled": "CancelledError"}

# An exception's message and traceback are capped too: both can be built from huge values.
MESSAGE_LIMIT = 10_000
TRACEBACK_LIMIT = 200

_namespaces: dict[str, dict[str, Any]] = {}


def _namespace(session: str) -> dict[str, Any]:
    return _namespaces.setdefault(session, {"__name__": "__main__"})


def reset(session: str) -> None:
    _namespaces.pop(session, None)


def drop_sessions(prefix: str) -> None:
    for session in [name for name in _namespaces if name.startswith(prefix)]:
        del _namespaces[session]


def sessions() -> list[str]:
    return sorted(_namespaces)


def execute(session: str, code: str, limit: int, timeout: float) -> dict[str, Any]:
    """Run ``code``; the caller makes it interruptible (``interrupts.interruptible``)."""
    namespace = _namespace(session)
    with capture.capturing(limit) as (stdout, stderr):
        try:
            output = _run(code, namespace, limit)
            status = "success"
        except interrupts.Interrupted as exc:
            status, output = "error", {"exception": _describe_interrupt(exc, timeout)}
        except BaseException as exc:  # SystemExit and KeyboardInterrupt too: the sidecar stays up
            status, output = "error", {"exception": describe_exception(exc)}
    return {"status": status, "output": output, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}


def _run(code: str, namespace: dict[str, Any], limit: int) -> dict[str, str]:
    # Tracebacks of this run show its source lines.
    linecache.cache[SHELL_FILENAME] = (len(code), None, code.splitlines(True), SHELL_FILENAME)
    tree = ast.parse(code, SHELL_FILENAME, "exec")
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, SHELL_FILENAME, "exec"), namespace)
    if last is None:
        return {}
    value = eval(compile(ast.Expression(last.value), SHELL_FILENAME, "eval"), namespace)
    if value is not None:
        namespace["_"] = value
    return {"value": capture.cap_text(repr(value), limit), "value_type": type(value).__name__}


def _describe_interrupt(exc: interrupts.Interrupted, timeout: float) -> dict[str, Any]:
    described = describe_exception(exc)
    described["exc_type"] = _INTERRUPT_TYPES[exc.reason]
    if exc.reason == "timeout":
        described["message"] = (
            f"Execution timed out after {timeout:g} s and was interrupted. The session is kept: "
            "variables set before the interruption still exist. Pass a larger timeout_seconds "
            "for long work."
        )
    else:
        described["message"] = "Execution was cancelled by the client. The session is kept."
    return described


def describe_exception(exc: BaseException) -> dict[str, Any]:
    """Type, message and traceback of ``exc``, without the sidecar's own frames."""
    if isinstance(exc, SyntaxError):
        lines = traceback.format_exception_only(type(exc), exc)[:-1]
        trace = [line.rstrip("\n") for chunk in lines for line in chunk.splitlines()]
    else:
        trace = []
        for frame in traceback.extract_tb(exc.__traceback__):
            if os.path.dirname(os.path.abspath(frame.filename)) == _SIDECAR_DIR:
                continue
            trace.append(f'File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                trace.append(f"    {frame.line}")
    message = exc.msg if isinstance(exc, SyntaxError) and exc.msg else str(exc)
    return {"exc_type": type(exc).__name__, "message": capture.cap_text(message, MESSAGE_LIMIT), "traceback": trace[-TRACEBACK_LIMIT:]}
