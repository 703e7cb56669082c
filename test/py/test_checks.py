"""check: Django's system checks, with a check of the test's own under a tag of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import checks
from django.core.checks.registry import registry
from django.test import override_settings

from mcp_django_bun.sidecar.errors import NotFound
from mcp_django_bun.sidecar.introspection.checks import run_checks

TAG = "mcp_test"


def _messages(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    return [
        checks.Warning("Books have no covers.", hint="Add a cover field.", obj="catalog.Book", id="mcp_test.W001"),
        checks.Error("Broken.", id="mcp_test.E001"),
    ]


@pytest.fixture
def registered() -> Iterator[None]:
    registry.register(_messages, TAG)
    yield
    registry.registered_checks.discard(_messages)


def test_the_example_project_passes():
    assert run_checks() == {
        "messages": [],
        "counts": {"DEBUG": 0, "INFO": 0, "WARNING": 0, "ERROR": 0, "CRITICAL": 0},
        "silenced": 0,
    }


def test_messages_come_most_serious_first_with_counts(registered):
    result = run_checks(tags=[TAG])
    assert result["messages"] == [
        {"level": "ERROR", "id": "mcp_test.E001", "msg": "Broken.", "hint": None, "obj": None},
        {
            "level": "WARNING",
            "id": "mcp_test.W001",
            "msg": "Books have no covers.",
            "hint": "Add a cover field.",
            "obj": "catalog.Book",
        },
    ]
    assert result["counts"]["ERROR"] == 1
    assert result["counts"]["WARNING"] == 1


@override_settings(SILENCED_SYSTEM_CHECKS=["mcp_test.W001"])
def test_silenced_messages_are_left_out_and_counted(registered):
    result = run_checks(tags=[TAG])
    assert [message["id"] for message in result["messages"]] == ["mcp_test.E001"]
    assert result["silenced"] == 1


def test_deploy_adds_the_deployment_checks():
    ids = {message["id"] for message in run_checks(deploy=True)["messages"]}
    assert "security.W018" in ids  # DEBUG is True


def test_an_unknown_tag_is_not_found():
    with pytest.raises(NotFound, match="There is no system check with the tag 'nonsense'"):
        run_checks(tags=["nonsense"])


def test_an_unknown_app_is_not_found():
    with pytest.raises(NotFound, match="No installed app with label 'shop'"):
        run_checks(app_labels=["shop"])
