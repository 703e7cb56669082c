"""Interrupting the user code that runs on the main thread.

The socket reader thread asks for an interrupt (on cancel or timeout) with
``signal.pthread_kill(main, SIGINT)``: unlike ``PyThreadState_SetAsyncExc`` this also breaks
``time.sleep`` and blocking socket waits. The handler raises only while the request that was
asked about is still running, so a late signal never lands in the sidecar's own code.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator


class Interrupted(KeyboardInterrupt):
    """Raised in user code; a KeyboardInterrupt so that ``except Exception`` does not swallow it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_lock = threading.Lock()
_main_thread_id = threading.main_thread().ident
_running: str | None = None
_pending_reason: str | None = None


def _handle_sigint(signum: int, frame: object) -> None:
    global _pending_reason
    with _lock:
        reason, _pending_reason = _pending_reason, None
        running = _running
    if reason is not None and running is not None:
        raise Interrupted(reason)


def install() -> None:
    signal.signal(signal.SIGINT, _handle_sigint)


@contextlib.contextmanager
def interruptible(request_id: str) -> Iterator[None]:
    """Mark ``request_id`` as running on this (main) thread while the block runs."""
    global _running, _pending_reason
    with _lock:
        _running, _pending_reason = request_id, None
    try:
        yield
    finally:
        with _lock:
            _running, _pending_reason = None, None


def request_interrupt(request_id: str, reason: str) -> bool:
    """Interrupt ``request_id`` if it is the one running; returns whether a signal was sent."""
    global _pending_reason
    with _lock:
        if _running != request_id:
            return False
        _pending_reason = reason
    assert _main_thread_id is not None
    signal.pthread_kill(_main_thread_id, signal.SIGINT)
    return True
