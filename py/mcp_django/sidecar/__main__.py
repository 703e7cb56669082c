"""``python -m mcp_django.sidecar --socket PATH``: the sidecar spawned by the MCP server."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mcp_django.sidecar")
    parser.add_argument("--socket", required=True, help="Unix socket path to listen on")
    parser.add_argument("--parent-pid", type=int, help="exit when this process is no longer the parent")
    parser.add_argument("--pythonpath", action="append", default=[], help="directory to add to sys.path")
    args = parser.parse_args(argv)
    sys.path[:0] = [os.path.abspath(path) for path in args.pythonpath]

    from .server import run_spawned

    # The secret comes by environment, not argv (visible to every user in ps); user code and
    # its subprocesses don't need it.
    run_spawned(args.socket, args.parent_pid, os.environ.pop("MCP_DJANGO_SECRET", ""))
    # Daemon threads may be blocked in socket calls: leave without waiting for them.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
