"""The sidecar's socket server: hello, then requests served one at a time on the main thread.

A reader thread owns the socket's receiving side: it queues requests for the main thread and
handles ``cancel`` at once (user code may be running). Responses are written under a lock.
"""

from __future__ import annotations

import hmac
import itertools
import os
import queue
import shutil
import socket
import struct
import sys
import threading
from typing import Any, Callable

from . import PROTOCOL_VERSION, bootstrap, capture, interrupts, shell
from .codec import CODEC_NAME, CodecError
from .framing import FrameError, encode_frame, read_frame
from .introspection.operations import OPERATIONS as INTROSPECTION_OPERATIONS

# Default cap for each of stdout, stderr and repr, in characters.
DEFAULT_OUTPUT_LIMIT = 50_000
# Numbers the connections of this process: request ids are only unique within one.
_connection_numbers = itertools.count(1)


def log(message: str) -> None:
    """A line for the MCP server's log (the real stderr is a pipe the server reads)."""
    sys.__stderr__.write(f"mcp-django sidecar: {message}\n")
    sys.__stderr__.flush()


def listen(path: str) -> socket.socket:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(1)
    return listener


def accept_same_user(listener: socket.socket) -> socket.socket:
    """Accept a connection from a process of this user (checked with SO_PEERCRED where it exists)."""
    while True:
        conn, _ = listener.accept()
        if not hasattr(socket, "SO_PEERCRED"):
            return conn
        _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
        if uid == os.getuid():
            return conn
        log(f"refused a connection from uid {uid}")
        conn.close()


class Channel:
    """The connected socket: frames written under a lock, since two threads answer."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        frame = encode_frame(message)
        with self._lock:
            self.conn.sendall(frame)

    def receive(self) -> dict[str, Any] | None:
        return read_frame(self.conn)


def _op_execute(args: dict[str, Any]) -> dict[str, Any]:
    code = args["code"]
    if not isinstance(code, str):
        raise TypeError("code must be a string")
    return shell.execute(
        session=str(args.get("session", "default")),
        code=code,
        limit=int(args.get("limit", DEFAULT_OUTPUT_LIMIT)),
        timeout=float(args.get("timeout", 0)),
    )


def _op_reset(args: dict[str, Any]) -> dict[str, Any]:
    shell.reset(str(args.get("session", "default")))
    return {}


OPERATIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "shell.execute": _op_execute,
    "shell.reset": _op_reset,
    **INTROSPECTION_OPERATIONS,
}
# Operations that need a working Django; the others also answer when setup failed.
NEEDS_DJANGO = {"shell.execute", *INTROSPECTION_OPERATIONS}


def _read_loop(channel: Channel, scope: str, jobs: queue.Queue[dict[str, Any] | None]) -> None:
    try:
        while (message := channel.receive()) is not None:
            if message.get("type") == "req":
                jobs.put(message)
            elif message.get("type") == "cancel":
                interrupts.request_interrupt(f"{scope}:{message.get('id')}", str(message.get("reason", "cancelled")))
    except (FrameError, OSError) as exc:
        log(f"connection error: {exc}")
    jobs.put(None)


def _error(request_id: str, error: dict[str, Any]) -> dict[str, Any]:
    return {"type": "res", "id": request_id, "ok": False, "error": error}


def _answer(request: dict[str, Any], scope: str, setup_error: dict[str, Any] | None) -> dict[str, Any]:
    request_id = str(request.get("id"))
    op = request.get("op")
    args = request.get("args") or {}
    handler = OPERATIONS.get(str(op))
    if handler is None:
        return _error(request_id, {"type": "UnknownOperation", "message": f"unknown operation {op!r}"})
    if setup_error is not None and op in NEEDS_DJANGO:
        return _error(request_id, {"type": "DjangoSetupError", **setup_error})
    try:
        if setup_error is None:
            bootstrap.close_old_connections()
        # Every operation can be interrupted, introspection too (a URLconf may hang on import).
        with interrupts.interruptible(f"{scope}:{request_id}"):
            result = handler(args)
        if setup_error is None:
            if result.get("output", {}).get("exception", {}).get("exc_type") in ("TimeoutError", "CancelledError"):
                bootstrap.roll_back_abandoned_transactions()
            bootstrap.close_old_connections()
    except BaseException as exc:
        return _error(request_id, {"type": type(exc).__name__, **shell.describe_exception(exc)})
    return {"type": "res", "id": request_id, "ok": True, "result": result}


def _send_answer(channel: Channel, answer: dict[str, Any]) -> None:
    """Send an answer; one that can't be encoded (too big, say) becomes an error answer."""
    try:
        channel.send(answer)
    except (CodecError, FrameError) as exc:
        channel.send(_error(answer["id"], {"type": "UnsendableResult", "message": f"the result could not be sent: {exc}"}))


def _accept_hello(channel: Channel, secret: str) -> str | None:
    """Check the client's hello (protocol and secret); return its client id, or None if refused."""
    hello = channel.receive()
    if not hello or hello.get("type") != "hello" or hello.get("protocol") != PROTOCOL_VERSION:
        channel.send({"type": "hello", "protocol": PROTOCOL_VERSION, "error": "protocol version mismatch"})
        return None
    if not hmac.compare_digest(str(hello.get("secret", "")).encode(), secret.encode()):
        log("refused a client without the right secret")
        channel.send({"type": "hello", "protocol": PROTOCOL_VERSION, "error": "wrong secret"})
        return None
    return str(hello.get("client", ""))


def serve(channel: Channel, info: dict[str, Any], secret: str) -> None:
    """Exchange hellos, then answer requests on this thread until the peer goes away."""
    client = _accept_hello(channel, secret)
    if client is None:
        return
    channel.send({"type": "hello", "protocol": PROTOCOL_VERSION, "codec": CODEC_NAME, **info})

    jobs: queue.Queue[dict[str, Any] | None] = queue.Queue()
    scope = str(next(_connection_numbers))
    threading.Thread(target=_read_loop, args=(channel, scope, jobs), name="mcp-reader", daemon=True).start()
    try:
        while (request := jobs.get()) is not None:
            # The MCP server times calls from here, and knows a queued call needs no kill.
            channel.send({"type": "ev", "id": str(request.get("id")), "kind": "started", "data": None})
            _send_answer(channel, _answer(request, scope, info["setup_error"]))
    except OSError as exc:
        log(f"connection lost while answering: {exc}")
    finally:
        # The client's shell namespaces end with its connection (its session keys start with its id).
        if client:
            shell.drop_sessions(f"{client}/")


def _exit_when_orphaned(parent_pid: int, socket_path: str) -> None:
    """Spawned mode: leave when the MCP server is gone (it may have died before cleaning up)."""
    while os.getppid() == parent_pid:
        threading.Event().wait(0.5)
    shutil.rmtree(os.path.dirname(socket_path), ignore_errors=True)
    os._exit(0)


def serve_one_client(listener: socket.socket, secret: str, info: dict[str, Any]) -> None:
    """Spawned sidecar and ``manage.py mcp``: one MCP server connects; user code runs on this (main) thread."""
    conn = accept_same_user(listener)
    listener.close()
    try:
        serve(Channel(conn), info, secret)
    finally:
        conn.close()


def run_spawned(socket_path: str, parent_pid: int | None, secret: str) -> None:
    capture.install()
    interrupts.install_signal_handler()
    listener = listen(socket_path)
    if parent_pid is not None:
        threading.Thread(target=_exit_when_orphaned, args=(parent_pid, socket_path), name="mcp-watchdog", daemon=True).start()
    # Set Django up while the MCP server connects and its client says hello.
    info = {**bootstrap.environment("spawned"), **bootstrap.setup_django()}
    serve_one_client(listener, secret, info)
