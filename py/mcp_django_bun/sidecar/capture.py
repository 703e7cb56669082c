"""Per-request capture of ``sys.stdout`` and ``sys.stderr``.

Proxies are installed as ``sys.stdout``/``sys.stderr`` and write to the buffer of the request
running in the current context (a contextvar). ``redirect_stdout`` would be process-global and
capture other threads too. Outside a request, writes go to the real streams, which are pipes that
the MCP server reads and logs: never the MCP client's stream.

What user code does to the streams ends with its call: proxies it replaced are put back (and the
call's stderr says so), and closing one closes it for that call only. Otherwise one
``sys.stdout = None`` would end capture for every later call, other sessions' too.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import sys
from collections.abc import Iterator
from typing import TextIO


class CappedBuffer:
    """Keeps the first ``limit`` characters written and counts all of them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0
        # The code closed the stream this buffer stands for: for this request only.
        self.closed = False
        self._parts: list[str] = []
        self._kept = 0
        self._notes: list[str] = []

    def write(self, text: str) -> None:
        self.total += len(text)
        room = self.limit - self._kept
        if room > 0:
            kept = text[:room]
            self._parts.append(kept)
            self._kept += len(kept)

    def note(self, line: str) -> None:
        """A line of ours after the captured text, whatever its size."""
        self._notes.append(line)

    def getvalue(self) -> str:
        text = cap_text("".join(self._parts), self.limit, self.total)
        for line in self._notes:
            if text and not text.endswith("\n"):
                text += "\n"
            text += f"{line}\n"
        return text


def cap_text(text: str, limit: int, total: int | None = None) -> str:
    """``text`` cut to ``limit`` characters, with a visible marker giving the full size."""
    total = len(text) if total is None else total
    if total <= limit:
        return text
    return f"{text[:limit]}\n[... truncated: showing {limit} of {total} characters]"


class _CaptureStream(io.TextIOBase):
    """Stands in for a real stream; anything but writing is the real stream's business (inside
    a dev server, its console keeps its colours, debuggers and subprocesses their file number)."""

    def __init__(self, target: contextvars.ContextVar[CappedBuffer | None], fallback: TextIO) -> None:
        self._target = target
        self._fallback = fallback

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._fallback.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self._fallback.errors

    def fileno(self) -> int:
        return self._fallback.fileno()

    def isatty(self) -> bool:
        # Captured, the output is text for the client, not a terminal's: no colour codes in it
        # (Django's management commands colour their output when stdout is a terminal).
        return self._buffer() is None and self._fallback.isatty()

    def writable(self) -> bool:
        return True

    def __getattr__(self, name: str) -> object:  # buffer, mode, line_buffering…
        return getattr(self._fallback, name)

    @property
    def closed(self) -> bool:
        buffer = self._buffer()
        return self._fallback.closed if buffer is None else buffer.closed

    def close(self) -> None:
        """Closes this stream for the running request only: the real one stays open (the MCP
        server reads it), and so does the next request's."""
        buffer = self._buffer()
        if buffer is not None:
            buffer.closed = True

    def __del__(self) -> None:
        """Collected, a proxy closes nothing (``IOBase`` would close the running request's stream)."""

    def write(self, text: str) -> int:
        buffer = self._buffer()
        if buffer is None:
            return self._fallback.write(text)
        if buffer.closed:
            raise ValueError("I/O operation on closed file.")
        buffer.write(text)
        return len(text)

    def flush(self) -> None:
        if self._buffer() is None:
            self._fallback.flush()

    def _buffer(self) -> CappedBuffer | None:
        # In a forked child the request's buffer is a copy no one reads: its output goes where
        # output outside a request goes.
        return None if _forked else self._target.get()


_stdout: contextvars.ContextVar[CappedBuffer | None] = contextvars.ContextVar("mcp_stdout", default=None)
_stderr: contextvars.ContextVar[CappedBuffer | None] = contextvars.ContextVar("mcp_stderr", default=None)
# The proxies installed, by name in ``sys``: put back whenever something replaced them.
_proxies: dict[str, _CaptureStream] = {}
_forked = False


def install() -> None:
    """Put the capturing proxies in as ``sys.stdout``/``sys.stderr``, in front of the streams
    there now: the real ones (idempotent)."""
    for name, target in (("stdout", _stdout), ("stderr", _stderr)):
        current = getattr(sys, name)
        if not isinstance(current, _CaptureStream):
            _proxies[name] = _CaptureStream(target, current)
            setattr(sys, name, _proxies[name])


def forked() -> None:
    """This process is a fork: from now on its output goes to the real streams."""
    global _forked
    _forked = True


@contextlib.contextmanager
def capturing(limit: int) -> Iterator[tuple[CappedBuffer, CappedBuffer]]:
    out, err = CappedBuffer(limit), CappedBuffer(limit)
    # Replaced between calls: by a thread, or inside a dev server by another session's code.
    for name in _put_back_proxies():
        err.note(f"[mcp-django] sys.{name} was replaced outside this call and has been restored.")
    out_token, err_token = _stdout.set(out), _stderr.set(err)
    try:
        yield out, err
    finally:
        _stdout.reset(out_token)
        _stderr.reset(err_token)
        for name in _put_back_proxies():
            err.note(f"[mcp-django] sys.{name} was replaced by the code and has been restored.")
        for name, buffer in (("stdout", out), ("stderr", err)):
            if buffer.closed:
                err.note(f"[mcp-django] sys.{name} was closed by the code and has been reopened.")


def _put_back_proxies() -> list[str]:
    """Reinstall the proxies something replaced; the names of those put back."""
    replaced = [name for name, proxy in _proxies.items() if getattr(sys, name) is not proxy]
    for name in replaced:
        setattr(sys, name, _proxies[name])
    return replaced
