"""The sidecar's socket: listening, accepting only this user, frames, and the hello exchange."""

from __future__ import annotations

import hmac
import os
import socket
import struct
import sys
import threading
from collections.abc import Callable
from typing import Any

from . import forks
from .codec import CODEC_NAME
from .contract import PROTOCOL_VERSION
from .framing import encode_frame, read_frame


def log(message: str) -> None:
    """A line for the MCP server's log (the real stderr is a pipe the server reads)."""
    stderr = sys.__stderr__
    if stderr is not None:
        stderr.write(f"mcp-django sidecar: {message}\n")
        stderr.flush()


def listen(path: str) -> socket.socket:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    forks.guard(listener)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(1)
    return listener


def accept_same_user(listener: socket.socket) -> socket.socket:
    """Accept a connection from a process of this user (checked with SO_PEERCRED where it exists)."""
    while True:
        conn, _ = listener.accept()
        forks.guard(conn)
        if not hasattr(socket, "SO_PEERCRED"):
            return conn
        _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
        if uid == os.getuid():
            return conn
        log(f"refused a connection from uid {uid}")
        conn.close()


class Channel:
    """The connected socket: frames written under a lock, since two threads answer. Only the
    process that made it uses it: a fork that got past ``forks`` (a raw fork(2)) can't either."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def send(self, message: dict[str, Any]) -> None:
        self._check_process()
        frame = encode_frame(message)
        with self._lock:
            self.conn.sendall(frame)

    def receive(self) -> dict[str, Any] | None:
        self._check_process()
        return read_frame(self.conn)

    def _check_process(self) -> None:
        if os.getpid() != self._pid:
            raise OSError(f"process {os.getpid()} is a fork of the sidecar: the socket is not its own")


def exchange_hello(channel: Channel, secret: str, about: Callable[[dict[str, Any]], dict[str, Any]]) -> str | None:
    """Check the client's hello (protocol and secret) and answer it with ``about(hello)``: this
    process, and what the client's hello asked of it (read-only mode).

    Returns the client's id, or None when the client was refused.
    """
    hello = channel.receive()
    if not hello or hello.get("type") != "hello" or hello.get("protocol") != PROTOCOL_VERSION:
        channel.send({"type": "hello", "protocol": PROTOCOL_VERSION, "error": "protocol version mismatch"})
        return None
    if not hmac.compare_digest(str(hello.get("secret", "")).encode(), secret.encode()):
        log("refused a client without the right secret")
        channel.send({"type": "hello", "protocol": PROTOCOL_VERSION, "error": "wrong secret"})
        return None
    channel.send({"type": "hello", "protocol": PROTOCOL_VERSION, "codec": CODEC_NAME, **about(hello)})
    return str(hello.get("client", ""))
