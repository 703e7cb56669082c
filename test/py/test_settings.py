"""django://settings and django://setting/{name} on the example project."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from mcp_django_bun.sidecar.errors import NotFound
from mcp_django_bun.sidecar.introspection.settings import get_setting, list_settings

SECRETS = ["django-insecure-example-not-secret", "hunter2-not-a-real-password"]


def test_the_list_has_the_settings_that_differ_from_djangos_defaults():
    listed = list_settings()
    assert listed["settings"]["DEBUG"] is True
    assert listed["settings"]["ROOT_URLCONF"] == "bookshop.urls"
    assert "catalog" in listed["settings"]["INSTALLED_APPS"]
    assert "USE_THOUSAND_SEPARATOR" not in listed["settings"]
    assert "USE_THOUSAND_SEPARATOR" in listed["at_default"]
    assert listed["count"] == len(listed["settings"])


def test_the_list_holds_no_secret():
    text = json.dumps(list_settings())
    for secret in SECRETS:
        assert secret not in text


def test_the_list_is_json():
    listed = list_settings()
    assert json.loads(json.dumps(listed)) == listed


def test_a_path_setting_is_a_string():
    assert isinstance(list_settings()["settings"]["BASE_DIR"], str)


def test_one_setting_says_whether_it_is_the_default():
    assert get_setting("USE_THOUSAND_SEPARATOR") == {
        "name": "USE_THOUSAND_SEPARATOR",
        "value": False,
        "is_default": True,
        "default": False,
    }


def test_a_secret_setting_shows_its_type_and_length():
    assert get_setting("SECRET_KEY")["value"] == {"redacted": True, "type": "str", "length": len(SECRETS[0])}


def test_a_setting_django_has_no_default_for_has_no_default_key():
    assert "default" not in get_setting("BASE_DIR")


@override_settings(PAYMENT_API_KEY="sk_live_abc", PAYMENT_URL="https://user:pw@pay.example.com/")
def test_a_projects_own_secret_setting_is_hidden():
    listed = list_settings()["settings"]
    assert listed["PAYMENT_API_KEY"] == {"redacted": True, "type": "str", "length": 11}
    assert listed["PAYMENT_URL"] == "https://[redacted]@pay.example.com/"


def test_an_unknown_setting_names_close_ones():
    with pytest.raises(NotFound, match=r"No setting 'SECRET_KY'\. Did you mean SECRET_KEY"):
        get_setting("SECRET_KY")
