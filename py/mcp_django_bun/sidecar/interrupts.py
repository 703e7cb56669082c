"""Interrupting user code, on whichever thread runs it.

On the main thread (the spawned sidecar, ``manage.py mcp``) the socket reader thread sends
``SIGINT`` with ``signal.pthread_kill``: unlike an asynchronous exception this also breaks
``time.sleep`` and blocking socket waits. Inside a dev server the code runs on a worker thread,
where signals can't go: there an asynchronous exception interrupts pure-Python code, and code
stuck in C is reported by the MCP server after a grace period instead.

Either way the exception is raised only while the request that was asked about still runs, so
a late interrupt never lands in the sidecar's own code.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import threading
from collections.abc import Iterator
from typing import ClassVar

from .contract import CancelReason


class Interrupted(KeyboardInterrupt):
    """Raised in user code; a KeyboardInterrupt so that ``except Exception`` does not swallow it."""

    reason: ClassVar[CancelReason] = "cancelled"


class TimedOut(Interrupted):
    reason: ClassVar[CancelReason] = "timeout"


class Cancelled(Interrupted):
    reason: ClassVar[CancelReason] = "cancelled"


_BY_REASON: dict[str, type[Interrupted]] = {"timeout": TimedOut, "cancelled": Cancelled}

_lock = threading.Lock()
# Requests are keyed by connection and id (ids restart with each connection).
# key -> the thread running it; thread -> the reason it was asked to stop.
_running: dict[str, int] = {}
_pending: dict[int, str] = {}
# Interrupts that arrived before their request started running: it stops as it starts.
_early: dict[str, str] = {}
_EARLY_LIMIT = 1000


def _handle_sigint(signum: int, frame: object) -> None:
    main = threading.get_ident()  # Python runs signal handlers on the main thread
    with _lock:
        reason = _pending.pop(main, None) if main in _running.values() else None
    if reason is not None:
        raise _BY_REASON.get(reason, Interrupted)()


def install_signal_handler() -> None:
    """On the main thread only: route SIGINT to the request it was sent for."""
    signal.signal(signal.SIGINT, _handle_sigint)


def _set_async_exc(thread_id: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


@contextlib.contextmanager
def interruptible(key: str) -> Iterator[None]:
    """Mark request ``key`` as running on the current thread while the block runs."""
    thread_id = threading.get_ident()
    with _lock:
        early = _early.pop(key, None)
        if early is None:
            _running[key] = thread_id
            _pending.pop(thread_id, None)
    if early is not None:
        raise _BY_REASON.get(early, Interrupted)()
    try:
        yield
    finally:
        with _lock:
            del _running[key]
            # An asynchronous exception asked for but not yet raised must not escape this block.
            if _pending.pop(thread_id, None) is not None and thread_id != threading.main_thread().ident:
                _set_async_exc(thread_id, None)


def request_interrupt(key: str, reason: str) -> None:
    """Interrupt request ``key`` now if it runs, else as soon as it starts."""
    with _lock:
        thread_id = _running.get(key)
        if thread_id is None:
            if len(_early) >= _EARLY_LIMIT:  # interrupts for requests that had already finished
                _early.pop(next(iter(_early)))
            _early[key] = reason
            return
        _pending[thread_id] = reason
        if thread_id == threading.main_thread().ident:
            signal.pthread_kill(thread_id, signal.SIGINT)
        else:
            _set_async_exc(thread_id, _BY_REASON.get(reason, Interrupted))
