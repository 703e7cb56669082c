"""A call without a terminal: ``sys.stdin`` at end of file, ``getpass`` refused, for that call only.

Nobody can answer a prompt in a sidecar. Its real stdin is ``/dev/null`` when spawned, but the dev
server's console when attached and the MCP client's stream under ``manage.py mcp``: reading it
there would wait for a person who isn't there, or eat the client's messages. ``getpass`` goes
to the controlling terminal, which a dev server has. So inside ``closed()``, and only in the
calling context (a dev server's other threads keep the real stdin): ``input()`` and
``sys.stdin.read…()`` get end of file at once, ``sys.stdin.isatty()`` is false, and
``getpass.getpass()`` writes its prompt and raises ``EOFError``. The block learns whether the code
asked for input, to say so.
"""

from __future__ import annotations

import contextlib
import contextvars
import getpass
import io
import sys
from collections.abc import Iterator
from typing import TextIO


class Prompted:
    """What the code in a ``closed()`` block did with its stdin."""

    def __init__(self) -> None:
        # It read from stdin or asked for a password (and got end of file).
        self.read = False
        # It asked whether stdin is a terminal (Django's createsuperuser does, and then skips its prompts).
        self.probed = False

    @property
    def wanted_input(self) -> bool:
        return self.read or self.probed


_prompted: contextvars.ContextVar[Prompted | None] = contextvars.ContextVar("mcp_stdin_prompted", default=None)


class _ClosedStdin(io.TextIOBase):
    """Stands in for ``sys.stdin``: at end of file in a ``closed()`` block, the real stream elsewhere."""

    def __init__(self, fallback: TextIO | None) -> None:
        self._fallback = fallback

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._fallback.encoding if self._fallback is not None else "utf-8"

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        if self._fallback is None or _read():
            return ""
        return self._fallback.read(-1 if size is None else size)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        if self._fallback is None or _read():
            return ""
        return self._fallback.readline(-1 if size is None else size)

    def isatty(self) -> bool:
        prompted = _prompted.get()
        if prompted is not None:
            prompted.probed = True
            return False
        return self._fallback is not None and self._fallback.isatty()

    def fileno(self) -> int:
        # ``input()`` reads the terminal itself when stdin's file number is one.
        if _prompted.get() is not None or self._fallback is None:
            raise io.UnsupportedOperation("stdin is closed for this call: there is no terminal")
        return self._fallback.fileno()

    def __getattr__(self, name: str) -> object:  # buffer, mode, newlines…
        return getattr(self._fallback, name)

    def close(self) -> None:
        """Closing stdin in a call closes nothing: it is at end of file already."""
        if _prompted.get() is None and self._fallback is not None:
            self._fallback.close()

    def __del__(self) -> None:
        """Collected, the stand-in closes nothing (``IOBase`` would close it)."""


def _read() -> bool:
    """Whether the caller is in a ``closed()`` block, noting that it read."""
    prompted = _prompted.get()
    if prompted is None:
        return False
    prompted.read = True
    return True


_real_getpass = getpass.getpass


def _getpass(prompt: str = "Password: ", stream: TextIO | None = None) -> str:
    prompted = _prompted.get()
    if prompted is None:
        return _real_getpass(prompt, stream)
    prompted.read = True
    (stream or sys.stderr).write(prompt)
    raise EOFError("no terminal to read a password from: stdin is at end of file")


def _install() -> None:
    """Put the stand-ins in, in front of whatever ``sys.stdin`` is now (idempotent)."""
    if not isinstance(sys.stdin, _ClosedStdin):
        setattr(sys, "stdin", _ClosedStdin(sys.stdin))  # noqa: B010 (sys.stdin is typed TextIO)
    getpass.getpass = _getpass


@contextlib.contextmanager
def closed() -> Iterator[Prompted]:
    """Code in the block (on this thread) reads end of file from stdin and gets no password."""
    _install()
    prompted = Prompted()
    token = _prompted.set(prompted)
    try:
        yield prompted
    finally:
        _prompted.reset(token)
