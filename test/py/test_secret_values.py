"""redaction.secret_values and the ``secrets.values`` op: the secret values the MCP server hides in
everything it returns, from the settings and the environment."""

from __future__ import annotations

import pathlib
from types import SimpleNamespace

import pytest

from mcp_django_bun.sidecar import contract, dispatch
from mcp_django_bun.sidecar.bootstrap import Context, Setup
from mcp_django_bun.sidecar.redaction import (
    MIN_SECRET_LENGTH,
    inline_secrets,
    is_secret_env_name,
    secret_values,
    url_passwords,
)


def settings(**values: object) -> SimpleNamespace:
    return SimpleNamespace(**values)


def test_strings_under_secret_names_at_any_depth_are_listed_by_their_path():
    found = secret_values(
        settings(
            SECRET_KEY="django-insecure-0123456789",
            SECRET_KEY_FALLBACKS=["old-key-number-one", "old-key-number-two"],
            DATABASES={
                "default": {"ENGINE": "django.db.backends.postgresql", "USER": "shop", "PASSWORD": "db-pa55word"}
            },
            CACHES={"default": {"BACKEND": "x", "OPTIONS": {"password": "cache-pa55word"}}},
            STRIPE_API_KEY="sk_test_abcdef123",
            SOCIAL={"github": {"client_secret": b"bytes-secret-value"}},
            DEBUG=True,
            ALLOWED_HOSTS=["shop.example.com"],
        ),
        {},
    )
    assert sorted(found) == [
        ("CACHES.default.OPTIONS.password", "cache-pa55word"),
        ("DATABASES.default.PASSWORD", "db-pa55word"),
        ("SECRET_KEY", "django-insecure-0123456789"),
        ("SECRET_KEY_FALLBACKS[0]", "old-key-number-one"),
        ("SECRET_KEY_FALLBACKS[1]", "old-key-number-two"),
        ("SOCIAL.github.client_secret", "bytes-secret-value"),
        ("STRIPE_API_KEY", "sk_test_abcdef123"),
    ]


def test_passwords_in_urls_and_inline_secrets_of_any_setting_are_listed():
    found = dict(
        (value, name)
        for name, value in secret_values(
            settings(
                CACHES={"default": {"LOCATION": "redis://:cache-url-pw@localhost:6379/1"}},
                BROKER_URL="amqp://guest:p%40ss-word@rabbit//",
                DATABASE_OPTIONS="host=db password=inline-pw dbname=shop",
            ),
            {},
        )
    )
    assert found == {
        "cache-url-pw": "CACHES.default.LOCATION",
        "p%40ss-word": "BROKER_URL",
        "p@ss-word": "BROKER_URL",
        "inline-pw": "DATABASE_OPTIONS",
    }


def test_secret_looking_environment_variables_and_url_passwords_are_listed():
    environ = {
        "STRIPE_API_KEY": "sk_live_from_env",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG",
        "DATABASE_URL": "postgres://app:env-db-pw@db:5432/app",
        "HOME": "/home/someone-with-a-long-name",
        "PWD": "/some/working/directory",
        "LANG": "en_US.UTF-8",
    }
    assert sorted(secret_values(None, environ)) == [
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG"),
        ("DATABASE_URL", "env-db-pw"),
        ("STRIPE_API_KEY", "sk_live_from_env"),
    ]


@pytest.mark.parametrize(
    "value",
    ["", "1", "true", "dev", " " * 10, "12345678", "3600.5", "2026-01-01 10:00", "127.0.0.1:6379"],
)
def test_values_too_short_or_too_plain_are_left_out(value):
    assert secret_values(settings(API_TOKEN=value), {"SOME_TOKEN": value}) == []


def test_a_path_that_exists_is_no_secret(tmp_path: pathlib.Path):
    key_file = tmp_path / "private.pem"
    key_file.write_text("-----BEGIN PRIVATE KEY-----")
    environ = {"GOOGLE_APPLICATION_CREDENTIALS": str(key_file), "SSH_KEY_PASSPHRASE": "/not/a/real/path/but/secret"}
    assert secret_values(settings(JWT_PRIVATE_KEY_PATH=str(key_file)), environ) == [
        ("SSH_KEY_PASSPHRASE", "/not/a/real/path/but/secret")
    ]


def test_each_value_once_under_the_first_name_and_settings_before_the_environment():
    found = secret_values(
        settings(SECRET_KEY="shared-secret-value", OTHER_SECRET="shared-secret-value"),
        {"APP_SECRET": "shared-secret-value"},
    )
    assert found == [("OTHER_SECRET", "shared-secret-value")]


def test_cycles_and_other_objects_are_safe():
    looped: dict[str, object] = {"PASSWORD": "loop-password"}
    looped["self"] = looped

    class Opaque:
        password = "never-looked-at"

    found = secret_values(settings(LOOPED=looped, OBJECT=Opaque(), PATH_SECRET=pathlib.Path("/x")), {})
    assert found == [("LOOPED.PASSWORD", "loop-password")]


def test_helpers():
    assert MIN_SECRET_LENGTH == 6
    assert url_passwords("redis://:a%2Fb@h/0 and https://token@github.com") == ["a%2Fb", "a/b"]
    assert inline_secrets("Client(api_key='abc123', region='eu') token: \"xyz\"") == ["abc123", "xyz"]
    assert is_secret_env_name("GITHUB_TOKEN") and not is_secret_env_name("PWD") and not is_secret_env_name("HOME")


def test_the_op_lists_the_example_projects_secrets(context, monkeypatch):
    monkeypatch.setenv("PAYMENTS_API_KEY", "pk_from_the_environment")
    result = dispatch.call(contract.SECRETS_VALUES, {}, context)
    values = {item["name"]: item["value"] for item in result["values"]}
    assert values["SECRET_KEY"] == "django-insecure-example-not-secret"
    assert values["DATABASES.default.PASSWORD"] == "hunter2-not-a-real-password"
    assert values["PAYMENTS_API_KEY"] == "pk_from_the_environment"
    assert result["settings_error"] is None


def test_the_op_answers_without_django_listing_the_environment(monkeypatch):
    monkeypatch.setenv("PAYMENTS_API_KEY", "pk_from_the_environment")
    missing: contract.SetupError = {
        "kind": "django_missing",
        "exc_type": "ImportError",
        "message": "no",
        "traceback": [],
    }
    result = dispatch.call(contract.SECRETS_VALUES, {}, Context("spawned", Setup(None, missing)))
    assert {"name": "PAYMENTS_API_KEY", "value": "pk_from_the_environment"} in result["values"]
    assert "SECRET_KEY" not in {item["name"] for item in result["values"]}
    assert result["settings_error"] == "Django could not be set up (django_missing)"
