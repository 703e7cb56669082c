"""The sidecar inside the user's own dev server process (``runserver`` with the app installed).

A listener thread accepts MCP servers on a per-project socket; each connection is served on a
thread of its own, so user code runs beside request handling, and sees the live process: its
loaded modules, caches, signal receivers and in-memory state.
"""

from __future__ import annotations

import atexit
import os
import secrets
import sys
import time

from . import bootstrap, server
from .registry import paths, remove_registration, write_registration


def project_root() -> str:
    """The folder of the manage.py that started the dev server (else the working directory)."""
    script = sys.argv[0] if sys.argv else ""
    if os.path.basename(script) == "manage.py":
        return os.path.dirname(os.path.abspath(script))
    return os.getcwd()


def start(root: str | None = None) -> str:
    """Listen for MCP servers in this (already set-up) Django process; returns the socket path."""
    root = root or project_root()
    socket_path, registration_path = paths(root)
    if socket_path.exists():
        socket_path.unlink()  # left by the process the autoreloader just replaced
    secret = secrets.token_urlsafe(32)
    sidecar = server.start("attached", str(socket_path), secret)
    pid = os.getpid()
    setup = bootstrap.already_set_up()
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
            "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE"),
            "django": setup.django,
            "started": time.time(),
        },
    )
    if os.environ.get("RUN_MAIN") != "true":
        # Under the autoreloader the files stay when this process exits for a reload: the
        # registration's parent_pid tells the MCP server to wait for the new process.
        atexit.register(remove_registration, socket_path, registration_path, pid)
    sidecar.serve_in_background(setup)
    return str(socket_path)
