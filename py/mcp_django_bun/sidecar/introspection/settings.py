"""``django://settings`` and ``django://setting/{name}``: the project's settings, secrets hidden.

The list holds every setting whose value differs from Django's own default
(``django.conf.global_settings``), as ``manage.py diffsettings`` counts them; one setting can be
read whether it differs or not. Values go through ``redaction`` (secrets hidden, the rest as
JSON).
"""

from __future__ import annotations

import difflib
import os
import warnings

from django.conf import global_settings, settings

from ..contract import SettingResult, SettingsResult
from ..errors import NotFound
from ..redaction import redact_setting, setting_names

_MISSING = object()


def list_settings() -> SettingsResult:
    """Every setting that differs from Django's default, by name, in name order; the names of the others."""
    values = {}
    at_default = []
    for name in sorted(setting_names(settings)):
        value = _read(name)
        if _equal(value, getattr(global_settings, name, _MISSING)):
            at_default.append(name)
        else:
            values[name] = redact_setting(name, value)
    return {
        "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE") or None,
        "settings": values,
        "count": len(values),
        "at_default": at_default,
    }


def get_setting(name: str) -> SettingResult:
    """One setting, whatever its value; NotFound naming the settings closest to ``name``."""
    names = sorted(setting_names(settings))
    if name not in names:
        close = difflib.get_close_matches(name.upper(), names, n=5, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise NotFound(
            f"No setting {name!r}.{hint} django://settings lists the settings that differ from Django's defaults."
        )
    value = _read(name)
    default = getattr(global_settings, name, _MISSING)
    result: SettingResult = {
        "name": name,
        "value": redact_setting(name, value),
        "is_default": _equal(value, default),
    }
    if default is not _MISSING:
        result["default"] = redact_setting(name, default)
    return result


def _read(name: str) -> object:
    """A setting's value, without the deprecation warning reading a deprecated one gives."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return getattr(settings, name)


def _equal(value: object, default: object) -> bool:
    if default is _MISSING:
        return False
    try:
        return bool(value == default) and type(value) is type(default)
    except Exception:  # a value whose comparison raises is not Django's default
        return False
