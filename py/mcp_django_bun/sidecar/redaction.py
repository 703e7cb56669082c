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

``secret_values()`` lists the secret *values* themselves, each with the name to show in their
place: the MCP server hides them in everything it returns (shell output, tracebacks, command
output), however they were printed. They are the strings under secret names anywhere in the
settings, passwords in URLs and inline secrets in any setting's strings, and the values of
secret-looking environment variables (and passwords in any variable's URLs). Values too short or
too plain to be secrets (``MIN_SECRET_LENGTH``, numbers, paths that exist) are left out: hiding
them would blank ordinary text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import unquote

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


# --- the secret values themselves, for the MCP server to hide wherever they appear ----------------

# Shorter values are not hidden: "1", "true" or "dev" would blank ordinary text.
MIN_SECRET_LENGTH = 6

# Environment variables that match the secret words but hold no secret (the working directory).
NOT_SECRET_ENV_NAMES = frozenset({"PWD", "OLDPWD"})

# Numbers, versions, dates, times, addresses: nothing worth hiding, and common in any output.
_PLAIN_VALUE = re.compile(r"[\d\s.:,+\-/]*")

# scheme://user:password@ — the userinfo, as in _URL_CREDENTIALS.
_URL_USERINFO = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://(?P<userinfo>[^\s/?#]*)@")

# How deep secret_values() looks into nested settings.
_MAX_DEPTH = 8


def url_passwords(text: str) -> list[str]:
    """The passwords of the URLs in ``text`` (``redis://:pw@host``), as written and percent-decoded."""
    if "://" not in text:
        return []
    passwords = []
    for match in _URL_USERINFO.finditer(text):
        _user, colon, password = match["userinfo"].partition(":")
        if colon and password:
            passwords.append(password)
            if (decoded := unquote(password)) != password:
                passwords.append(decoded)
    return passwords


def inline_secrets(text: str) -> list[str]:
    """The values given to secret-looking keys in ``text`` (``password=hunter2``), unquoted."""
    if ":" not in text and "=" not in text:
        return []
    values = []
    position = 0
    while (match := _INLINE_SECRET.search(text, position)) is not None:
        if is_secret_name(match["key"]):
            value = match["value"]
            values.append(value[1:-1] if value[0] in "'\"" else value)
            position = match.end()
        else:
            position = match.end("separator")
    return values


def is_secret_env_name(name: str) -> bool:
    """Whether an environment variable's value is hidden, by the same rule as settings."""
    return name.upper() not in NOT_SECRET_ENV_NAMES and is_secret_name(name)


def secret_values(settings: object | None, environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """The secret values of the running project, each with the name to show in its place.

    From ``settings`` (``django.conf.settings``, or None when they can't be read): every string
    under a secret name, however deep (``DATABASES.default.PASSWORD``,
    ``SECRET_KEY_FALLBACKS[0]``), and the passwords in URLs and inline secrets of every other
    string (``CACHES.default.LOCATION``). From ``environ``: the values of secret-looking
    variables (``STRIPE_API_KEY``) and the passwords in any variable's URLs (``DATABASE_URL``).
    Each value once, under the first name it was found by; values too short or too plain to be
    secrets are left out.
    """
    found: dict[str, str] = {}

    def add(name: str, value: str) -> None:
        if _could_be_secret(value):
            found.setdefault(value, name)

    if settings is not None:
        for name in setting_names(settings):
            try:
                value = getattr(settings, name)
            except Exception:
                continue
            _collect(name, value, is_secret_name(name), add, 0, set())
    for name, value in sorted(environ.items()):
        if is_secret_env_name(name):
            add(name, value)
        for password in url_passwords(value):
            add(name, password)
    return [(name, value) for value, name in found.items()]


def _could_be_secret(value: str) -> bool:
    if len(value.strip()) < MIN_SECRET_LENGTH or _PLAIN_VALUE.fullmatch(value):
        return False
    try:
        return not (os.path.isabs(value) and os.path.exists(value))
    except (OSError, ValueError):  # a NUL, a name too long: no path
        return True


def _collect(
    path: str, value: object, secret: bool, add: Callable[[str, str], None], depth: int, seen: set[int]
) -> None:
    """Adds the strings under ``path``: all of them when ``secret``, else their URL passwords and
    inline secrets; nested dicts, lists, tuples and sets are walked, other objects left alone."""
    if isinstance(value, bytes):
        try:
            value = value.decode()
        except UnicodeDecodeError:
            return
    if isinstance(value, str):
        if secret:
            add(path, value)
        for found in (*url_passwords(value), *inline_secrets(value)):
            add(path, found)
        return
    if depth >= _MAX_DEPTH or id(value) in seen:
        return
    if isinstance(value, Mapping):
        seen.add(id(value))
        for key, item in list(value.items()):
            inner = secret or (isinstance(key, str) and is_secret_name(key))
            _collect(f"{path}.{key}", item, inner, add, depth + 1, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        seen.add(id(value))
        for index, item in enumerate(value):
            _collect(f"{path}[{index}]", item, secret, add, depth + 1, seen)
