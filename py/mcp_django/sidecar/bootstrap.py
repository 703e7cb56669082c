"""Setting Django up in this interpreter and describing the result for the hello message."""

from __future__ import annotations

import os
import platform
import sys
from typing import Any

from .shell import describe_exception


# How this sidecar runs: "spawned" by the MCP server, "attached" inside a dev server, or
# "command" in ``manage.py mcp``. Reported in django://project.
mode = "spawned"


def environment(run_mode: str) -> dict[str, Any]:
    global mode
    mode = run_mode
    return {
        "mode": run_mode,
        "python": {
            "executable": sys.executable,
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
        },
        "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE"),
        "pid": os.getpid(),
    }


def already_set_up(run_mode: str) -> dict[str, Any]:
    """The hello info of a sidecar inside a process that has set Django up itself."""
    import django

    return {**environment(run_mode), "django": django.get_version(), "setup_error": None}


def setup_django() -> dict[str, Any]:
    """Run ``django.setup()``; return ``{"django": version | None, "setup_error": ... | None}``.

    Failures are values: the MCP server tells the client, with the project's traceback.
    """
    try:
        import django
    except ImportError as exc:
        return {
            "django": None,
            "setup_error": {
                "kind": "django_missing",
                "exc_type": type(exc).__name__,
                "message": f"Django is not installed in {sys.executable}",
                "traceback": [],
            },
        }
    try:
        django.setup()
    except BaseException as exc:
        return {"django": django.get_version(), "setup_error": {"kind": "setup_failed", **describe_exception(exc)}}
    return {"django": django.get_version(), "setup_error": None}


def close_old_connections() -> None:
    """Drop connections that are broken or past CONN_MAX_AGE, as Django does around requests."""
    from django.db import close_old_connections as close

    close()


def roll_back_abandoned_transactions() -> None:
    """After an interrupt, leave no connection inside a transaction the user can't finish."""
    from django.db import connections

    for connection in connections.all():
        if connection.connection is not None and not connection.get_autocommit() and not connection.in_atomic_block:
            connection.rollback()
