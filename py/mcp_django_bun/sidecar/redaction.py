"""Hiding secrets in values shown to the MCP client: the one policy, used wherever settings (or
values like them) leave the process.

A **secret name** is one that, case-insensitively, contains ``KEY``, ``SECRET``, ``TOKEN``,
``PASSWORD``, ``PASSWD``, ``CREDENTIAL``, ``DSN`` or ``PRIVATE``, or has ``PASS`` or ``PWD`` as a
whole word (``DB_PASS``, ``PASS_PHRASE``), except the few names in ``NOT_SECRET_NAMES``: Django
settings and cache options that only look like secrets (``AUTH_PASSWORD_VALIDATORS``,
``PASSWORD_HASHERS``, ``KEY_PREFIX``…). So ``SECRET_KEY``, ``SECRET_KEY_FALLBACKS``,
``STRIPE_API_KEY``, ``SENTRY_DSN`` and ``EMAIL_HOST_PASSWORD`` are secret, and so is the
``PASSWORD`` of a ``DATABASES`` entry or a ``CACHES`` entry's ``OPTIONS``.

- A value under a secret name, at the top (a setting) or as a key anywhere in nested dicts, is
  replaced whole by ``placeholder(value)``: ``{"redacted": true, "type": "str", "length": 50}``,
  the Python type's name and ``len()`` of the value (``null`` when it has none).
- In every string left, credentials embedded in URLs and DSNs are blanked
  (``postgres://user:pass@host/db`` → ``postgres://[redacted]@host/db``), and so are values
  given to secret-looking keys inline (``password=hunter2``, ``'token': 'abc'``, ``?api_key=abc``).

The rest is shown as ``jsonable`` shows values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .jsonable import JSON, JsonConverter

REDACTED = "[redacted]"

_SECRET_WORDS = re.compile(r"KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|DSN|PRIVATE|(?:^|_)(?:PASS|PWD)(?:_|$)", re.I)

# Names that match the words above but hold nothing secret.
NOT_SECRET_NAMES = frozenset(
    {
        "AUTH_PASSWORD_VALIDATORS",
        "PASSWORD_HASHERS",
        "PASSWORD_RESET_TIMEOUT",
        "PASSWORD_RESET_TIMEOUT_DAYS",
        "CACHE_MIDDLEWARE_KEY_PREFIX",
        "EMAIL_SSL_KEYFILE",
        # CACHES entries
        "KEY_PREFIX",
        "KEY_FUNCTION",
    }
)

# scheme://userinfo@ — the userinfo (user, password or token) up to the last "@" before the path.
_URL_CREDENTIALS = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)[^\s/?#]*@")

# key=value, key: value, 'key': 'value', ?key=value — the value, when the key is a secret name.
_INLINE_SECRET = re.compile(
    r"""(?<![A-Za-z0-9_\-])(?P<key>[A-Za-z_][A-Za-z0-9_\-]*)(?P<separator>['"]?\s*[:=]\s*)(?P<value>'[^']*'|"[^"]*"|[^\s&;,'"(){}\[\]<>]+)"""
)


def is_secret_name(name: str) -> bool:
    """Whether a value under this name (a setting, a dict key) is hidden whole."""
    return name.upper() not in NOT_SECRET_NAMES and _SECRET_WORDS.search(name) is not None


def placeholder(value: object) -> dict[str, Any]:
    """What a hidden value is shown as: its type and length, never its content."""
    try:
        length: int | None = len(value)  # type: ignore[arg-type]
    except Exception:
        length = None
    return {"redacted": True, "type": type(value).__name__, "length": length}


def redact_url_credentials(text: str) -> str:
    """``text`` with the user and password of every URL in it blanked."""
    if "://" not in text:
        return text
    return _URL_CREDENTIALS.sub(lambda match: f"{match['scheme']}{REDACTED}@", text)


def redact_text(text: str) -> str:
    """``text`` with URL credentials and inline secrets (``password=…``) blanked."""
    text = redact_url_credentials(text)
    if ":" not in text and "=" not in text:
        return text

    # Scanned by hand: after a key that is not secret the scan goes on right after its separator,
    # so "https://host/?api_key=…" still finds api_key inside the value of "https".
    pieces = []
    position = 0
    while (match := _INLINE_SECRET.search(text, position)) is not None:
        if is_secret_name(match["key"]):
            value = match["value"]
            quote = value[0] if value[0] in "'\"" else ""
            pieces.append(f"{text[position : match.start('value')]}{quote}{REDACTED}{quote}")
            position = match.end()
        else:
            pieces.append(text[position : match.end("separator")])
            position = match.end("separator")
    pieces.append(text[position:])
    return "".join(pieces)


def redact_value(value: object) -> JSON:
    """``value`` as JSON with every secret hidden: nested secret keys, credentials in strings."""
    return _Redactor().convert(value)


def redact_setting(name: str, value: object) -> JSON:
    """A setting's value as JSON, hidden whole under a secret name, else as ``redact_value``."""
    return placeholder(value) if is_secret_name(name) else redact_value(value)


def secret_setting_names(settings: object) -> list[str]:
    """The names of the settings in ``settings`` (``django.conf.settings``) whose value is hidden whole."""
    return sorted(name for name in setting_names(settings) if is_secret_name(name))


def setting_names(settings: object) -> Iterable[str]:
    """Every setting of a settings object: its upper-case attributes, as Django counts them."""
    return (name for name in dir(settings) if name.isupper())


class _Redactor(JsonConverter):
    def item(self, key: str, value: object, depth: int, seen: set[int]) -> JSON:
        if is_secret_name(key):
            return placeholder(value)
        return super().item(key, value, depth, seen)

    def text(self, text: str) -> str:
        return redact_text(text)
