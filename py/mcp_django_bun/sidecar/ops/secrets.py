"""``secrets.values``: the secret values the MCP server hides in everything it returns.

It needs no working Django: where the settings can't be read (setup failed), the environment's
secrets are still listed, and ``settings_error`` says why the settings' are not.
"""

from __future__ import annotations

import os

from ..bootstrap import Context
from ..contract import NoArgs, SecretsResult
from ..redaction import secret_values as collect


def secret_values(args: NoArgs, context: Context) -> SecretsResult:
    settings, problem = _readable_settings(context)
    values = collect(settings, os.environ)
    return {"values": [{"name": name, "value": value} for name, value in values], "settings_error": problem}


def _readable_settings(context: Context) -> tuple[object | None, str | None]:
    """``django.conf.settings`` when they are loaded, else None and why not. A settings module
    that failed to import is not imported again: that would run the project's code once more.
    The reason never quotes an exception's message, which could hold a secret."""
    error = context.setup.error
    if error is not None and error["kind"] != "setup_failed":
        return None, f"Django could not be set up ({error['kind']})"
    try:
        from django.conf import settings

        if not settings.configured:
            return None, "the settings module could not be imported"
        dir(settings)
    except Exception as exc:
        return None, f"reading the settings raised {type(exc).__name__}"
    return settings, None
