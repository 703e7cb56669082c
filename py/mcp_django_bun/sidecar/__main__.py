"""``python -m mcp_django_bun.sidecar --socket PATH``: the sidecar spawned by the MCP server.

This module runs on old Pythons far enough to say they are too old.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading

from .contract import MINIMUM_PYTHON, UNSUPPORTED_PYTHON_EXIT


def exit_if_python_too_old() -> None:
    if sys.version_info < MINIMUM_PYTHON:
        version, supported = (".".join(map(str, numbers)) for numbers in (sys.version_info[:3], MINIMUM_PYTHON))
        sys.stderr.write(
            f"{sys.executable} is Python {version}; mcp-django needs Python {supported} or newer:"
            " pass --python with a newer interpreter (or recreate the project's virtualenv with one)\n"
        )
        sys.exit(UNSUPPORTED_PYTHON_EXIT)


def main(argv: list[str] | None = None) -> None:
    exit_if_python_too_old()
    parser = argparse.ArgumentParser(prog="python -m mcp_django_bun.sidecar")
    parser.add_argument("--socket", required=True, help="Unix socket path to listen on")
    parser.add_argument("--parent-pid", type=int, help="exit when this process is no longer the parent")
    parser.add_argument("--pythonpath", action="append", default=[], help="directory to add to sys.path")
    parser.add_argument(
        "--read-only", choices=["on", "off", "auto"], help="read-only mode, in force before Django is set up"
    )
    args = parser.parse_args(argv)
    sys.path[:0] = [os.path.abspath(path) for path in args.pythonpath]

    from . import bootstrap, forks, server

    # Killed with the MCP server, even by SIGKILL, even while user code holds the GIL (the
    # watchdog below needs it, and cleans up where there is no PR_SET_PDEATHSIG).
    forks.die_with_parent(os.getppid() if args.parent_pid is None else args.parent_pid)
    # The secret comes by environment, not argv (visible to every user in ps); user code and
    # its subprocesses don't need it.
    sidecar = server.start("spawned", args.socket, os.environ.pop("MCP_DJANGO_SECRET", ""))
    if args.parent_pid is not None:
        threading.Thread(
            target=_exit_when_orphaned, args=(args.parent_pid, args.socket), name="mcp-watchdog", daemon=True
        ).start()
    if args.read_only is not None:
        _prepare_read_only(args.read_only)
    # Set Django up while the MCP server connects and its client says hello.
    sidecar.serve_one_client(bootstrap.set_up_django())
    # Daemon threads may be blocked in socket calls: leave without waiting for them.
    sys.stdout.flush()
    os._exit(0)


def _prepare_read_only(request: str) -> None:
    """Connections the project opens while it loads (an AppConfig.ready() that queries) are
    read-only too; the hello confirms the mode (see ``server``)."""
    try:
        from . import readonly_db
    except ImportError:  # no Django here: the hello says so
        return
    readonly_db.prepare_process("on" if request == "on" else "off" if request == "off" else "auto")


def _exit_when_orphaned(parent_pid: int, socket_path: str) -> None:
    """Leave when the MCP server is gone (it may have died before cleaning up)."""
    while os.getppid() == parent_pid:
        threading.Event().wait(0.5)
    shutil.rmtree(os.path.dirname(socket_path), ignore_errors=True)
    os._exit(0)


if __name__ == "__main__":
    main()
