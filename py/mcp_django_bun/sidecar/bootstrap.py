"""Setting Django up in this interpreter, and the ``Context`` every request is answered in."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from typing import Any, Literal

from .contract import Mode, SetupError
from .errors import describe_exception


@dataclass(frozen=True)
class Setup:
    """Django in this process: its version (None when missing) and why setting it up failed."""

    django: str | None
    error: SetupError | None


@dataclass(frozen=True)
class Context:
    """How this sidecar runs and whether Django is usable; made once, passed to every request."""

    mode: Mode
    setup: Setup

    @property
    def django_ready(self) -> bool:
        return self.setup.error is None

    def describe(self) -> dict[str, Any]:
        """This process as the hello message tells the MCP server."""
        return {
            "pid": os.getpid(),
            "python": {
                "executable": sys.executable,
                "version": platform.python_version(),
                "implementation": platform.python_implementation(),
            },
            "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE"),
            "django": self.setup.django,
            "setup_error": self.setup.error,
            "mode": self.mode,
            "asset_dirs": self.asset_dirs(),
        }

    def asset_dirs(self) -> list[str]:
        """MEDIA_ROOT and STATIC_ROOT: folders of files, not code, that the MCP server need not watch."""
        if not self.django_ready:
            return []
        from django.conf import settings

        return [os.path.abspath(folder) for folder in (settings.MEDIA_ROOT, settings.STATIC_ROOT) if folder]


def set_up_django() -> Setup:
    """Run ``django.setup()``. A failure is a value: the MCP server tells the client, with the
    project's traceback, and the ops that need no Django still answer."""
    try:
        import django
    except ImportError as exc:
        missing: SetupError = {
            "kind": "django_missing",
            "exc_type": type(exc).__name__,
            "message": f"Django is not installed in {sys.executable}",
            "traceback": [],
        }
        return Setup(None, missing)
    try:
        django.setup()
    except BaseException as exc:
        kind: Literal["settings_missing", "setup_failed"] = (
            "settings_missing" if is_settings_missing(exc) else "setup_failed"
        )
        return Setup(django.get_version(), {"kind": kind, **describe_exception(exc)})
    return Setup(django.get_version(), None)


def is_settings_missing(exc: BaseException) -> bool:
    """The settings module itself, or a package on its way, is not importable (a typo in
    --settings, the wrong folder), as opposed to a settings module that raises."""
    module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    if not isinstance(exc, ModuleNotFoundError) or not exc.name or not module:
        return False
    return module == exc.name or module.startswith(f"{exc.name}.")


def already_set_up() -> Setup:
    """In a process that has set Django up itself (a dev server, a management command)."""
    import django

    return Setup(django.get_version(), None)


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
