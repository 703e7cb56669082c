"""Serving MCP servers: ``start()`` a sidecar, then answer each connection's requests.

Per connection, a reader thread owns the socket's receiving side: it queues requests for the
thread that answers them and handles ``cancel`` at once (user code may be running). Answers are
written under the channel's lock. The reader also sees the connection end: its shell sessions end
then, even if a call stuck in C still runs on the answering thread (inside a dev server it can't
be stopped, so the MCP server disconnects and tells its client the state was lost).
"""

from __future__ import annotations

import itertools
import queue
import socket
import threading
from collections.abc import Mapping
from typing import Any

from . import bootstrap, capture, dispatch, forks, interrupts, logbook, shell
from .bootstrap import Context, Setup
from .channel import Channel, accept_same_user, exchange_hello, listen, log
from .codec import CodecError, result_fields
from .contract import Mode
from .errors import Unsendable
from .framing import FrameError

# Numbers the connections of this process: request ids are only unique within one.
_connection_numbers = itertools.count(1)


class Sidecar:
    """A listening sidecar. Each entry point (spawned, attached, command) gets one from
    ``start()``, then serves once Django is set up."""

    def __init__(self, mode: Mode, listener: socket.socket, secret: str) -> None:
        self.mode = mode
        self.listener = listener
        self.secret = secret

    def serve_one_client(self, setup: Setup) -> None:
        """One MCP server connects; user code runs on this (the main) thread."""
        _record_logs(setup)
        conn = accept_same_user(self.listener)
        self.listener.close()
        try:
            serve(Channel(conn), self.secret, Context(self.mode, setup))
        finally:
            conn.close()

    def serve_in_background(self, setup: Setup) -> None:
        """Any number of MCP servers, each on a thread of its own (inside a dev server)."""
        _record_logs(setup)
        context = Context(self.mode, setup)
        threading.Thread(target=self._accept_forever, args=(context,), name="mcp-listener", daemon=True).start()

    def _accept_forever(self, context: Context) -> None:
        while True:
            try:
                conn = accept_same_user(self.listener)
            except OSError as exc:
                log(f"stopped listening: {exc}")
                return
            threading.Thread(
                target=self._serve_connection, args=(conn, context), name="mcp-connection", daemon=True
            ).start()

    def _serve_connection(self, conn: socket.socket, context: Context) -> None:
        try:
            serve(Channel(conn), self.secret, context)
        except Exception as exc:  # one client's broken connection must not disturb the dev server
            log(f"connection ended: {exc}")
        finally:
            conn.close()


def start(mode: Mode, socket_path: str, secret: str) -> Sidecar:
    """What every sidecar does before its first client: capture output, guard against forks,
    route interrupts, listen."""
    capture.install()
    forks.install()
    if mode != "attached":
        # User code runs on the main thread: the reader thread interrupts it with SIGINT. A dev
        # server keeps its own SIGINT handling (its Ctrl-C) and runs user code on other threads.
        interrupts.install_signal_handler()
    return Sidecar(mode, listen(socket_path), secret)


def _record_logs(setup: Setup) -> None:
    """Keep the project's log records and request exceptions for ``logs`` and ``last_error``,
    from now on (Django has configured logging by now)."""
    if setup.error is not None:
        return
    try:
        logbook.install()
    except Exception as exc:  # a convenience: never a reason not to serve
        log(f"not recording logs: {exc}")


def serve(channel: Channel, secret: str, context: Context) -> None:
    """Exchange hellos, then answer requests on this thread until the peer goes away."""
    client = exchange_hello(channel, secret, lambda hello: {**context.describe(), **_read_only(hello, context)})
    if client is None:
        return
    jobs: queue.Queue[dict[str, Any] | None] = queue.Queue()
    ended = threading.Event()
    scope = str(next(_connection_numbers))
    threading.Thread(target=_read_loop, args=(channel, scope, jobs, ended), name="mcp-reader", daemon=True).start()
    try:
        with shell.connection(scope):
            while (request := jobs.get()) is not None and not ended.is_set():
                request_id = str(request.get("id"))
                # The MCP server times calls from here, and knows a queued call needs no kill.
                channel.send({"type": "ev", "id": request_id, "kind": "started", "data": None})
                _send_answer(channel, _answer(request_id, request, f"{scope}:{request_id}", context))
    except OSError as exc:
        log(f"connection lost while answering: {exc}")
    finally:
        # This connection's sessions only: a later connection of the same client has its own.
        shell.drop_connection(scope)


def _read_only(hello: dict[str, Any], context: Context) -> dict[str, Any]:
    """Read-only mode as the MCP server asks in its hello, in force from here on: for the whole
    process, or inside a dev server for this connection's thread (and the threads it starts)."""
    if context.setup.django is None:
        return {}  # no Django, no database
    from . import readonly, readonly_db

    request, why = readonly.parse_request(hello.get("read_only"))
    scope: readonly_db.Scope = "thread" if context.mode == "attached" else "process"
    return {"read_only": readonly_db.enforce(request, why, scope)}


def _read_loop(channel: Channel, scope: str, jobs: queue.Queue[dict[str, Any] | None], ended: threading.Event) -> None:
    try:
        while (message := channel.receive()) is not None:
            if message.get("type") == "req":
                jobs.put(message)
            elif message.get("type") == "cancel":
                interrupts.request_interrupt(f"{scope}:{message.get('id')}", str(message.get("reason", "cancelled")))
    except (FrameError, OSError) as exc:
        log(f"connection error: {exc}")
    # The connection is over now, not when a call stuck in C on the answering thread returns:
    # its sessions end, and queued requests are not run (the MCP server may rerun them elsewhere).
    ended.set()
    shell.drop_connection(scope)
    jobs.put(None)


def _answer(request_id: str, request: dict[str, Any], key: str, context: Context) -> dict[str, Any]:
    try:
        result = _run(request, key, context)
    except BaseException as exc:  # KeyboardInterrupt and SystemExit from an op too: the sidecar stays up
        return {"type": "res", "id": request_id, "ok": False, "error": dispatch.error_object(exc)}
    return {"type": "res", "id": request_id, "ok": True, **result_fields(result)}


def _run(request: dict[str, Any], key: str, context: Context) -> Mapping[str, Any]:
    if context.django_ready:
        bootstrap.close_old_connections()
    # Every op can be interrupted, introspection too (a URLconf may hang on import), and any may
    # run project code that forks.
    with interrupts.interruptible(key), forks.running_user_code():
        result = dispatch.call(request.get("op"), request.get("args"), context)
    if context.django_ready:
        if shell.was_interrupted(result):
            bootstrap.roll_back_abandoned_transactions()
        bootstrap.close_old_connections()
    return result


def _send_answer(channel: Channel, answer: dict[str, Any]) -> None:
    """Send an answer; one that can't be encoded (too big, say) becomes an "unsendable" error."""
    try:
        channel.send(answer)
    except (CodecError, FrameError) as exc:
        error = dispatch.error_object(Unsendable(f"the result could not be sent: {exc}"))
        channel.send({"type": "res", "id": answer["id"], "ok": False, "error": error})
