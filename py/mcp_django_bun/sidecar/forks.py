"""Processes forked by user code: they never act as the sidecar.

A child of ``os.fork()`` (or of multiprocessing's "fork") holds copies of the sidecar's sockets
and, once the user's code ends, would run on into the sidecar's own: send its result as the
answer to the parent's request, then wait to read the next one while a parent in
``os.waitpid()`` waits for it, forever. So in every child the sidecar's sockets are closed and
output goes to the real streams (the MCP server's log); a child forked by a request's code exits
where that code ends, and on Linux is killed when the sidecar goes (``PR_SET_PDEATHSIG``), even
after ``setsid()``.
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import os
import signal
import socket
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import NoReturn

from . import capture
from .errors import describe_exception

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _find_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl


# Looked up here, in the parent: loading a library in a forked child can deadlock.
_prctl = _find_prctl()

_sidecar_pid: int | None = None
_sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
# Whether a request's code runs on this thread: only its forks are tied to the sidecar (a dev
# server's own forks are not).
_in_user_code: contextvars.ContextVar[bool] = contextvars.ContextVar("mcp_in_user_code", default=False)
# The forking process's pid, kept just before a fork for the child (the same thread goes on there).
_forking = threading.local()


def install() -> None:
    """This process is the sidecar: from now on, a process of another pid is a fork of it."""
    global _sidecar_pid
    if _sidecar_pid is None:
        os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)
    _sidecar_pid = os.getpid()


def guard(sock: socket.socket) -> None:
    """``sock`` is the sidecar's: closed in every forked child (the parent's stays open)."""
    _sockets.add(sock)


def in_child() -> bool:
    return _sidecar_pid is not None and os.getpid() != _sidecar_pid


@contextlib.contextmanager
def running_user_code() -> Iterator[None]:
    """A request runs project or user code in this block: a process forked in it exits where the
    block ends, as if it were the end of a script."""
    token = _in_user_code.set(True)
    ended: BaseException | None = None
    try:
        yield
    except BaseException as exc:
        ended = exc
        raise
    finally:
        if in_child():
            exit_child(ended)
        _in_user_code.reset(token)


def exit_child(ended: BaseException | None) -> NoReturn:
    """End a forked child where the user's code ended (``ended`` by that exception, if any), with
    the status and the traceback Python would leave."""
    if ended is not None and not isinstance(ended, SystemExit) and sys.__stderr__ is not None:
        described = describe_exception(ended)
        lines = [f"mcp-django sidecar: process {os.getpid()}, forked by the code, ended with:", *described["traceback"]]
        sys.__stderr__.write("\n".join([*lines, f"{described['exc_type']}: {described['message']}\n"]))
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        if stream is not None:
            with contextlib.suppress(Exception):  # whatever the code left there, closed maybe
                stream.flush()
    os._exit(_exit_status(ended))


def _exit_status(ended: BaseException | None) -> int:
    if ended is None:
        return 0
    if isinstance(ended, SystemExit):
        code = ended.code
        return 0 if code is None else code if isinstance(code, int) else 1
    return 1


def die_with_parent(parent_pid: int) -> None:
    """On Linux, have the kernel SIGKILL this process when its parent ends (elsewhere, nothing).

    Strictly, when the parent's thread that started it ends. A parent already gone before the
    prctl sends no signal, so that is checked after it, as prctl(2) advises.
    """
    if _prctl is None:
        return
    _prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), signal.SIGKILL)


def _before_fork() -> None:
    _forking.parent = os.getpid()


def _after_fork_in_child() -> None:
    for sock in list(_sockets):
        sock.close()
    capture.forked()
    # Only the sidecar's own children: a grandchild (a double-forked daemon) is left to its parent.
    if _in_user_code.get() and _forking.parent == _sidecar_pid:
        die_with_parent(_forking.parent)
