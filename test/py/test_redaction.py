"""redaction: which names are secret, the placeholder, URL credentials and inline secrets."""

from __future__ import annotations

import pathlib
from types import SimpleNamespace

import pytest

from mcp_django_bun.sidecar.redaction import (
    REDACTED,
    is_secret_name,
    placeholder,
    redact_setting,
    redact_text,
    redact_url_credentials,
    redact_value,
    secret_setting_names,
)


@pytest.mark.parametrize(
    "name",
    [
        "SECRET_KEY",
        "SECRET_KEY_FALLBACKS",
        "STRIPE_API_KEY",
        "EMAIL_HOST_PASSWORD",
        "PASSWORD",
        "password",
        "GITHUB_TOKEN",
        "SENTRY_DSN",
        "GOOGLE_CREDENTIALS",
        "JWT_PRIVATE_KEY_PEM",
        "DB_PASS",
        "REDIS_PWD",
        "passwd",
    ],
)
def test_a_secret_looking_name_is_secret(name):
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "DEBUG",
        "AUTH_USER_MODEL",
        "DEFAULT_AUTO_FIELD",
        "AUTH_PASSWORD_VALIDATORS",
        "PASSWORD_HASHERS",
        "PASSWORD_RESET_TIMEOUT",
        "CACHE_MIDDLEWARE_KEY_PREFIX",
        "KEY_PREFIX",
        "key_function",
        "PASSTHROUGH_HEADERS",
        "DATABASE_URL",
    ],
)
def test_a_plain_name_is_not_secret(name):
    assert not is_secret_name(name)


def test_placeholder_keeps_the_type_and_length_only():
    assert placeholder("s3cret") == {"redacted": True, "type": "str", "length": 6}
    assert placeholder(["a", "b"]) == {"redacted": True, "type": "list", "length": 2}
    assert placeholder(42) == {"redacted": True, "type": "int", "length": None}


def test_a_secret_setting_is_hidden_whole():
    assert redact_setting("SECRET_KEY", "x" * 50) == {"redacted": True, "type": "str", "length": 50}
    assert redact_setting("SECRET_KEY_FALLBACKS", ["old1", "old2"]) == {"redacted": True, "type": "list", "length": 2}


def test_secret_keys_are_hidden_at_any_depth_and_the_rest_is_kept():
    databases = {"default": {"ENGINE": "x", "USER": "shop", "PASSWORD": "hunter2", "OPTIONS": {"passwd": "pw"}}}
    assert redact_setting("DATABASES", databases) == {
        "default": {
            "ENGINE": "x",
            "USER": "shop",
            "PASSWORD": {"redacted": True, "type": "str", "length": 7},
            "OPTIONS": {"passwd": {"redacted": True, "type": "str", "length": 2}},
        }
    }


def test_secret_keys_in_dicts_inside_lists_are_hidden():
    value = [{"NAME": "a", "TOKEN": "t0k"}]
    assert redact_value(value) == [{"NAME": "a", "TOKEN": {"redacted": True, "type": "str", "length": 3}}]


def test_cache_key_prefix_is_kept():
    caches = {"default": {"BACKEND": "b", "KEY_PREFIX": "shop", "LOCATION": "redis://:pw@cache:6379/1"}}
    assert redact_setting("CACHES", caches) == {
        "default": {"BACKEND": "b", "KEY_PREFIX": "shop", "LOCATION": f"redis://{REDACTED}@cache:6379/1"}
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgres://user:pass@db.example.com:5432/shop", f"postgres://{REDACTED}@db.example.com:5432/shop"),
        ("redis://:pass@localhost:6379/0", f"redis://{REDACTED}@localhost:6379/0"),
        ("https://ghp_token@github.com/org/repo.git", f"https://{REDACTED}@github.com/org/repo.git"),
        ("amqp://guest:p@ss@rabbit//", f"amqp://{REDACTED}@rabbit//"),
        ("redis://:a@one:6379,redis://:b@two:6379", f"redis://{REDACTED}@one:6379,redis://{REDACTED}@two:6379"),
        ("https://example.com/path@v2", "https://example.com/path@v2"),
        ("no url here", "no url here"),
    ],
)
def test_url_credentials_are_blanked(text, expected):
    assert redact_url_credentials(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("host=db password=secret dbname=shop", f"host=db password={REDACTED} dbname=shop"),
        ("Client(api_key='abc123', region='eu')", f"Client(api_key='{REDACTED}', region='eu')"),
        ("{'token': 'abc', 'n': 1}", f"{{'token': '{REDACTED}', 'n': 1}}"),
        ("https://api.example.com/v1?api_key=abc&page=2", f"https://api.example.com/v1?api_key={REDACTED}&page=2"),
        ("KEY_PREFIX=shop", "KEY_PREFIX=shop"),
    ],
)
def test_inline_secrets_are_blanked(text, expected):
    assert redact_text(text) == expected


def test_an_objects_repr_is_redacted_too():
    class Config:
        def __repr__(self) -> str:
            return "Config(url='postgres://u:pw@h/db', password='pw')"

    assert redact_value(Config()) == f"Config(url='postgres://{REDACTED}@h/db', password='{REDACTED}')"


def test_values_become_json():
    assert redact_value(
        {"path": pathlib.PurePosixPath("/srv/app"), "pair": (1, 2), "set": {"b", "a"}, "cls": dict}
    ) == {
        "path": "/srv/app",
        "pair": [1, 2],
        "set": ["a", "b"],
        "cls": "dict",
    }


def test_secret_setting_names_lists_the_settings_hidden_whole():
    settings = SimpleNamespace(DEBUG=True, SECRET_KEY="x", STRIPE_API_KEY="y", DATABASES={}, lower_case="z")
    assert secret_setting_names(settings) == ["SECRET_KEY", "STRIPE_API_KEY"]
