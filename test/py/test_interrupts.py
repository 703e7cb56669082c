"""Interrupting a running request, on the main thread (SIGINT) and on another (async exception)."""

from __future__ import annotations

import threading
import time

import pytest

from mcp_django_bun.sidecar import interrupts


def interrupt_soon(key: str, reason: str) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(0.2), interrupts.request_interrupt(key, reason)))
    thread.start()
    return thread


@pytest.mark.usefixtures("sigint_handler")
@pytest.mark.parametrize(("reason", "raised"), [("timeout", interrupts.TimedOut), ("cancelled", interrupts.Cancelled)])
def test_sleep_on_the_main_thread_is_interrupted_with_the_reason(reason, raised):
    thread = interrupt_soon("test:sleep", reason)
    started = time.monotonic()
    with pytest.raises(raised), interrupts.interruptible("test:sleep"):
        time.sleep(10)
    thread.join()
    assert time.monotonic() - started < 5


def test_busy_loop_on_another_thread_is_interrupted():
    outcome: list[BaseException] = []

    def busy() -> None:
        try:
            with interrupts.interruptible("test:busy"):
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    pass
        except interrupts.Interrupted as exc:
            outcome.append(exc)

    worker = threading.Thread(target=busy)
    worker.start()
    interrupt_soon("test:busy", "timeout").join()
    worker.join(5)
    assert [type(exc) for exc in outcome] == [interrupts.TimedOut]


def test_interrupt_before_the_request_starts_stops_it_as_it_starts():
    interrupts.request_interrupt("test:early", "cancelled")
    with pytest.raises(interrupts.Cancelled), interrupts.interruptible("test:early"):
        pass


def test_interrupt_is_a_keyboard_interrupt_so_except_exception_does_not_swallow_it():
    assert issubclass(interrupts.Interrupted, KeyboardInterrupt)
