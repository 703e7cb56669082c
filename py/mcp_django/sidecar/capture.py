"""Per-request capture of ``sys.stdout`` and ``sys.stderr``.

Proxies are installed once as ``sys.stdout``/``sys.stderr`` and write to the buffer of the
request running in the current context (a contextvar). ``redirect_stdout`` would be
process-global and capture other threads too. Outside a request, writes go to the real streams,
which are pipes that the MCP server reads and logs: never the MCP client's stream.
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
        self._parts: list[str] = []
        self._kept = 0

    def write(self, text: str) -> None:
        self.total += len(text)
        room = self.limit - self._kept
        if room > 0:
            kept = text[:room]
            self._parts.append(kept)
            self._kept += len(kept)

    def getvalue(self) -> str:
        return cap_text("".join(self._parts), self.limit, self.total)


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
        return self._fallback.isatty()

    def writable(self) -> bool:
        return True

    def __getattr__(self, name: str) -> object:  # buffer, mode, line_buffering…
        return getattr(self._fallback, name)

    def write(self, text: str) -> int:
        buffer = self._target.get()
        if buffer is None:
            return self._fallback.write(text)
        buffer.write(text)
        return len(text)

    def flush(self) -> None:
        if self._target.get() is None:
            self._fallback.flush()


_stdout: contextvars.ContextVar[CappedBuffer | None] = contextvars.ContextVar("mcp_stdout", default=None)
_stderr: contextvars.ContextVar[CappedBuffer | None] = contextvars.ContextVar("mcp_stderr", default=None)


def install() -> None:
    """Replace ``sys.stdout``/``sys.stderr`` with the capturing proxies (idempotent)."""
    if not isinstance(sys.stdout, _CaptureStream):
        sys.stdout = _CaptureStream(_stdout, sys.stdout)
    if not isinstance(sys.stderr, _CaptureStream):
        sys.stderr = _CaptureStream(_stderr, sys.stderr)


@contextlib.contextmanager
def capturing(limit: int) -> Iterator[tuple[CappedBuffer, CappedBuffer]]:
    out, err = CappedBuffer(limit), CappedBuffer(limit)
    out_token, err_token = _stdout.set(out), _stderr.set(err)
    try:
        yield out, err
    finally:
        _stdout.reset(out_token)
        _stderr.reset(err_token)
