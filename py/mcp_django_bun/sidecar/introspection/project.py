"""``django://project``: the interpreter and the Django configuration, without secrets."""

from __future__ import annotations

import os
import platform
import sys
from typing import Any

from ..contract import Mode, ProjectResult


def describe_project(mode: Mode) -> ProjectResult:
    # mcp: where the shell runs: attached to the live dev server, or a process of its own.
    return {"python": describe_python(), "django": describe_django(), "mcp": {"mode": mode, "pid": os.getpid()}}


def describe_python() -> dict[str, Any]:
    return {
        "executable": sys.executable,
        "version": platform.python_version(),
        "version_info": list(sys.version_info),
        "platform": platform.platform(),
        "prefix": sys.prefix,
        "base_prefix": sys.base_prefix,
        # Projects sometimes put Path objects on sys.path.
        "path": [str(entry) for entry in sys.path],
    }


def describe_django() -> dict[str, Any]:
    import django
    from django.apps import apps
    from django.conf import settings

    base_dir = getattr(settings, "BASE_DIR", None)
    return {
        "version": django.get_version(),
        "settings_module": settings.SETTINGS_MODULE,
        "base_dir": str(base_dir) if base_dir is not None else None,
        "debug": bool(settings.DEBUG),
        "root_urlconf": getattr(settings, "ROOT_URLCONF", None),
        "apps": [app_config.name for app_config in apps.get_app_configs()],
        "auth_user_model": settings.AUTH_USER_MODEL,
        "databases": describe_databases(settings.DATABASES),
    }


def describe_databases(databases: dict[str, dict[str, Any]]) -> dict[str, dict[str, str | None]]:
    """Engine and name only: the other keys (USER, PASSWORD, HOST, OPTIONS…) may hold secrets."""
    described: dict[str, dict[str, str | None]] = {}
    for alias, entry in databases.items():
        name = entry.get("NAME")
        described[alias] = {
            "engine": entry.get("ENGINE"),
            "name": str(name) if name is not None else None,
        }
    return described
