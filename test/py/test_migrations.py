"""migrations and sqlmigrate on the example project (migrated, models and migrations agreeing)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.db.migrations.state import ProjectState

from mcp_django_bun.sidecar.errors import NotFound
from mcp_django_bun.sidecar.introspection.migrations import migration_sql, migration_status, model_changes


def test_each_app_lists_its_migrations_applied_with_when():
    (database,) = migration_status()["databases"]
    assert database["alias"] == "default"
    catalog = next(app for app in database["apps"] if app["app_label"] == "catalog")
    (initial,) = catalog["migrations"]
    assert initial["name"] == "0001_initial"
    assert initial["applied"] is True
    assert initial["applied_at"].startswith("20")


def test_a_migrated_project_has_an_empty_plan_and_no_model_changes():
    status = migration_status()
    assert status["databases"][0]["plan"] == []
    assert status["model_changes"] == []
    assert status["conflicts"] == []


def test_a_model_change_is_the_operation_makemigrations_would_write():
    state = ProjectState.from_apps(apps)
    state.models["catalog", "book"].fields["subtitle"] = models.CharField(max_length=200, blank=True)
    assert model_changes(to_state=state) == [
        {
            "app_label": "catalog",
            "migration_name": "0002_book_subtitle",
            "operations": ["Add field subtitle to book"],
            "notes": [],
        }
    ]


def test_a_new_non_null_field_without_default_is_a_note_not_an_exit():
    state = ProjectState.from_apps(apps)
    state.models["catalog", "book"].fields["rank"] = models.IntegerField()
    (change,) = model_changes(["catalog"], to_state=state)
    assert change["operations"] == ["Add field rank to book"]
    assert change["notes"] == [
        "Adding the non-nullable field rank to book needs a default for existing rows: makemigrations will ask for one."
    ]


def test_sql_of_a_migration_is_as_sqlmigrate_prints_it():
    sql = migration_sql("catalog", "0001")
    assert sql["migration_name"] == "0001_initial"
    assert sql["sql"].startswith("BEGIN;\n")
    assert sql["sql"].endswith("\nCOMMIT;")
    assert any('CREATE TABLE "catalog_book"' in statement for statement in sql["statements"])


def test_an_unknown_migration_lists_the_apps_migrations():
    with pytest.raises(NotFound, match=r"App 'catalog' has no migration '0042'\. Its migrations: 0001_initial\."):
        migration_sql("catalog", "0042")


def test_an_app_without_migrations_is_not_found():
    with pytest.raises(NotFound, match="App 'api' has no migrations"):
        migration_sql("api", "0001")


def test_an_unknown_database_alias_is_not_found():
    with pytest.raises(NotFound, match="No database alias 'replica'"):
        migration_status(database="replica")
