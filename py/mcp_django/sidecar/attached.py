"""The sidecar inside the user's own dev server process (``runserver`` with the app installed).

A listener thread accepts MCP servers on a per-project socket; each connection is served on a
thread of its own, so user code runs beside request handling, and sees the live process: its
loaded modules, caches, signal receivers and in-memory state.
"""

from __future__ import annotations

import atexit
import os
import secrets
import socket
import sys
import threading
import time
from typing import Any

from . import bootstrap, capture
from .registry import paths, remove_registration, write_registration
from .server import Channel, accept_same_user, listen, log, serve


def project_root() -> str:
    """The folder of the manage.py that started the dev server (else the working directory)."""
    script = sys.argv[0] if sys.argv else ""
    if os.path.basename(script) == "manage.py":
        return os.path.dirname(os.path.abspath(script))
    return os.getcwd()


def _accept_forever(listener: socket.socket, secret: str, info: dict[str, Any]) -> None:
    while True:
        try:
            conn = accept_same_user(listener)
        except OSError as exc:
            log(f"stopped listening: {exc}")
            return
        threading.Thread(target=_serve_connection, args=(conn, secret, info), name="mcp-connection", daemon=True).start()


def _serve_connection(conn: socket.socket, secret: str, info: dict[str, Any]) -> None:
    try:
        serve(Channel(conn), info, secret)
    except Exception as exc:  # one client's broken connection must not disturb the dev server
        log(f"connection ended: {exc}")
    finally:
        conn.close()


def start(root: str | None = None) -> str:
    """Listen for MCP servers in this (already set-up) Django process; returns the socket path."""
    root = root or project_root()
    socket_path, registration_path = paths(root)
    if socket_path.exists():
        socket_path.unlink()  # left by the process the autoreloader just replaced
    listener = listen(str(socket_path))
    secret = secrets.token_urlsafe(32)
    pid = os.getpid()
    info = bootstrap.already_set_up("attached")
    write_registration(
        registration_path,
        {
            "socket": str(socket_path),
            "secret": secret,
            "pid": pid,
            # Under the autoreloader, the watcher process: while it lives, a vanished child is
            # a reload in progress rather than a stopped server.
            "parent_pid": os.getppid() if os.environ.get("RUN_MAIN") == "true" else None,
            "project_root": os.path.realpath(root),
            "settings_module": info["settings_module"],
            "django": info["django"],
            "started": time.time(),
        },
    )
    if os.environ.get("RUN_MAIN") != "true":
        # Under the autoreloader the files stay when this process exits for a reload: the
        # registration's parent_pid tells the MCP server to wait for the new process.
        atexit.register(remove_registration, socket_path, registration_path, pid)
    capture.install()
    threading.Thread(target=_accept_forever, args=(listener, secret, info), name="mcp-listener", daemon=True).start()
    return str(socket_path)
