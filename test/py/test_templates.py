"""find_template and list_templates, with a project folder that overrides an app template."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from mcp_django_bun.sidecar.errors import NotFound
from mcp_django_bun.sidecar.introspection.templates import find_template, list_templates

APP_FILE = Path(settings.BASE_DIR) / "catalog" / "templates" / "catalog" / "book_detail.html"


def test_an_app_template_is_found_in_its_app():
    lookup = find_template("catalog/book_detail.html")
    assert lookup["winner"] == {
        "path": str(APP_FILE),
        "engine": "django",
        "loader": "django.template.loaders.app_directories.Loader",
        "app_label": "catalog",
    }
    assert [candidate["status"] for candidate in lookup["candidates"]].count("winner") == 1


def test_a_project_folder_overrides_the_app_and_the_app_file_loses(tmp_path):
    override = tmp_path / "catalog" / "book_detail.html"
    override.parent.mkdir()
    override.write_text("override")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path]
    with override_settings(TEMPLATES=templates):
        lookup = find_template("catalog/book_detail.html")
    assert lookup["winner"]["path"] == str(override)
    assert lookup["winner"]["app_label"] is None
    statuses = {candidate["path"]: candidate["status"] for candidate in lookup["candidates"]}
    assert statuses[str(override)] == "winner"
    assert statuses[str(APP_FILE)] == "lost"


def test_an_unknown_template_lists_close_names():
    with pytest.raises(NotFound, match="Close names: catalog/book_detail.html"):
        find_template("catalog/book_detial.html")


def test_names_are_listed_once_sorted_and_filtered():
    listed = list_templates("orders/")
    assert listed["templates"] == ["orders/checkout.html", "orders/order_detail.html", "orders/order_list.html"]
    assert listed["count"] == listed["total"] == 3


def test_the_limit_caps_the_names_and_total_counts_them_all():
    listed = list_templates("admin/", limit=2)
    assert len(listed["templates"]) == 2
    assert listed["total"] > 2
