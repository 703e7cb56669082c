"""Errors the sidecar answers with, by kind (``contract.ERROR_KINDS``), and describing exceptions.

An op raises a ``SidecarError`` for something it reports on purpose (an unknown app label, say);
any other exception, from project code or ours, is answered as ``"failed"`` with its type and
traceback.
"""

from __future__ import annotations

import os
import traceback
from typing import ClassVar

from .capture import cap_text
from .contract import ErrorKind, ExceptionInfo, SetupError

# An exception's message and traceback are capped: both can be built from huge values.
MESSAGE_LIMIT = 10_000
TRACEBACK_LIMIT = 200

# Frames from this package are left out of tracebacks: they are the sidecar, not the project.
_SIDECAR_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class SidecarError(Exception):
    kind: ClassVar[ErrorKind]
    exc_type: str | None = None
    traceback: list[str] = []


class UnknownOperation(SidecarError):
    kind = "unknown_op"


class InvalidArguments(SidecarError):
    kind = "invalid_args"


class NotFound(SidecarError):
    """The op names something that does not exist (an app label, a model name)."""

    kind = "not_found"


class StateMissing(SidecarError):
    """The caller expects a shell session with state, and this sidecar has none for it (it is new)."""

    kind = "state_missing"


class SetupFailed(SidecarError):
    """Django could not be set up in this process: the error carries that failure."""

    kind = "setup_failed"

    def __init__(self, setup_error: SetupError) -> None:
        super().__init__(setup_error["message"])
        self.exc_type = setup_error["exc_type"]
        self.traceback = setup_error["traceback"]


class Unsendable(SidecarError):
    """The result could not be encoded or sent (too big, say)."""

    kind = "unsendable"


def describe_exception(exc: BaseException) -> ExceptionInfo:
    """Type, message and traceback of ``exc``, without the sidecar's own frames."""
    if isinstance(exc, SyntaxError):
        lines = traceback.format_exception_only(type(exc), exc)[:-1]
        trace = [line.rstrip("\n") for chunk in lines for line in chunk.splitlines()]
    else:
        trace = []
        for frame in traceback.extract_tb(exc.__traceback__):
            if os.path.abspath(frame.filename).startswith(_SIDECAR_DIR):
                continue
            trace.append(f'File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                trace.append(f"    {frame.line}")
    message = exc.msg if isinstance(exc, SyntaxError) and exc.msg else str(exc)
    return {
        "exc_type": type(exc).__name__,
        "message": cap_text(message, MESSAGE_LIMIT),
        "traceback": trace[-TRACEBACK_LIMIT:],
    }
