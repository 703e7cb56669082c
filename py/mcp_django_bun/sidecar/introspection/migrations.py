"""``migrations`` and ``sqlmigrate``: the state of the project's migrations, read-only.

Per database alias, what ``showmigrations`` shows (each app's migrations, applied or not, and
when) and the plan ``migrate`` would run next; for the code, the conflicts ``migrate`` refuses
(apps with several leaf migrations) and what ``makemigrations --check --dry-run`` would create
for models changed without a migration. Nothing is written: no file, no database row.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import AmbiguityError, MigrationLoader
from django.db.migrations.questioner import MigrationQuestioner
from django.db.migrations.state import ProjectState

from ..contract import MigrationSqlResult, MigrationsResult
from ..errors import NotFound
from .apps import get_app_config


def migration_status(database: str | None = None, app_label: str | None = None) -> MigrationsResult:
    """The migrations of every database alias (or ``database``), of every app (or ``app_label``)."""
    aliases = [check_alias(database)] if database else list(connections)
    if app_label:
        check_migrated_app(MigrationLoader(None, ignore_no_migrations=True), app_label)
    return {
        "databases": [database_status(alias, app_label) for alias in aliases],
        "conflicts": conflicts(app_label),
        "model_changes": model_changes([app_label] if app_label else None),
    }


def database_status(alias: str, app_label: str | None = None) -> dict[str, Any]:
    """One alias: each app's migrations with applied or not, and ``migrate``'s next plan.

    A database that can't be read (a server that doesn't answer) is reported in ``error``.
    """
    try:
        executor = MigrationExecutor(connections[alias])
        loader = executor.loader
        graph = loader.graph
        app_labels = [app_label] if app_label else sorted(loader.migrated_apps)
        listed = [{"app_label": label, "migrations": _app_migrations(loader, label)} for label in app_labels]
        targets = [key for key in graph.leaf_nodes() if not app_label or key[0] == app_label]
        plan = [f"{migration.app_label}.{migration.name}" for migration, backwards in executor.migration_plan(targets)]
    except DatabaseError as exc:
        return {"alias": alias, "vendor": connections[alias].vendor, "apps": [], "plan": [], "error": f"{exc}"}
    return {"alias": alias, "vendor": connections[alias].vendor, "apps": listed, "plan": plan, "error": None}


def _app_migrations(loader: MigrationLoader, app_label: str) -> list[dict[str, Any]]:
    """An app's migrations from oldest to newest, as ``showmigrations`` lists them."""
    graph = loader.graph
    found = []
    shown: set[tuple[str, str]] = set()
    for leaf in graph.leaf_nodes(app_label):
        for node in graph.forwards_plan(leaf):
            if node in shown or node[0] != app_label:
                continue
            shown.add(node)
            record = loader.applied_migrations.get(node)
            applied_at = getattr(record, "applied", None)  # a squashed migration counts as applied with no row
            found.append(
                {
                    "name": node[1],
                    "applied": record is not None,
                    "applied_at": applied_at.isoformat() if applied_at is not None else None,
                    "replaces": [f"{app}.{name}" for app, name in graph.nodes[node].replaces or ()],
                }
            )
    return found


def conflicts(app_label: str | None = None) -> list[dict[str, Any]]:
    """Apps with more than one leaf migration: ``migrate`` stops until they are merged."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [
        {"app_label": label, "leaves": sorted(names)}
        for label, names in sorted(loader.detect_conflicts().items())
        if not app_label or label == app_label
    ]


_ASKS = "needs a default for existing rows: makemigrations will ask for one."


class _DryRunQuestioner(MigrationQuestioner):
    """Answers as ``makemigrations`` without a terminal would, but never exits: a question it
    can't answer (a default for a new non-null field) becomes a note on the model's migration."""

    def __init__(self, specified_apps: set[str]) -> None:
        super().__init__(specified_apps=specified_apps, dry_run=True)
        self.notes: list[tuple[str, str]] = []  # (model name in lower case, note)

    def ask_not_null_addition(self, field_name: str, model_name: str) -> None:
        self._note(model_name, f"Adding the non-nullable field {field_name} to {model_name} {_ASKS}")

    def ask_not_null_alteration(self, field_name: str, model_name: str) -> None:
        self._note(model_name, f"Making {model_name}.{field_name} non-nullable {_ASKS}")

    def ask_auto_now_add_addition(self, field_name: str, model_name: str) -> None:
        self._note(model_name, f"Adding {model_name}.{field_name} with auto_now_add=True {_ASKS}")

    def ask_unique_callable_default_addition(self, field_name: str, model_name: str) -> None:
        self._note(
            model_name,
            f"{model_name}.{field_name} is unique with a callable default: existing rows would all get the same value.",
        )

    def _note(self, model_name: str, note: str) -> None:
        self.notes.append((model_name.lower(), note))


def model_changes(app_labels: list[str] | None = None, to_state: ProjectState | None = None) -> list[dict[str, Any]]:
    """What ``makemigrations --dry-run`` would write now: per app, each new migration's name and
    its operations described. ``to_state`` defaults to the models as they are.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    questioner = _DryRunQuestioner(set(app_labels or ()))
    autodetector = MigrationAutodetector(
        loader.project_state(),
        ProjectState.from_apps(apps) if to_state is None else to_state,
        questioner,
    )
    changes = autodetector.changes(graph=loader.graph, trim_to_apps=app_labels or None, convert_apps=app_labels or None)
    found = []
    for label, migrations in sorted(changes.items()):
        for migration in migrations:
            models = {str(getattr(operation, "model_name", "")).lower() for operation in migration.operations}
            found.append(
                {
                    "app_label": label,
                    "migration_name": migration.name,
                    "operations": [str(operation.describe()) for operation in migration.operations],
                    "notes": [note for model, note in questioner.notes if model in models],
                }
            )
    return found


def migration_sql(
    app_label: str, migration_name: str, database: str | None = None, backwards: bool = False
) -> MigrationSqlResult:
    """The SQL of one migration, as ``sqlmigrate`` prints it; nothing is run."""
    alias = check_alias(database) if database else DEFAULT_DB_ALIAS
    connection = connections[alias]
    loader = MigrationLoader(connection, replace_migrations=False)
    check_migrated_app(loader, app_label)
    try:
        migration = loader.get_migration_by_prefix(app_label, migration_name)
    except AmbiguityError:
        matching = sorted(
            name for app, name in loader.disk_migrations if app == app_label and name.startswith(migration_name)
        )
        raise NotFound(
            f"More than one migration of {app_label!r} starts with {migration_name!r}: {', '.join(matching)}. "
            "Give more of the name."
        ) from None
    except KeyError:
        names = _migration_names(loader, app_label)
        raise NotFound(
            f"App {app_label!r} has no migration {migration_name!r}. Its migrations: {', '.join(names)}."
        ) from None
    plan = [(loader.graph.nodes[(app_label, migration.name)], backwards)]
    statements = [str(statement) for statement in loader.collect_sql(plan)]
    sql = "\n".join(statements)
    if statements and migration.atomic and connection.features.can_rollback_ddl:
        sql = f"{connection.ops.start_transaction_sql()}\n{sql}\n{connection.ops.end_transaction_sql()}"
    return {
        "app_label": app_label,
        "migration_name": migration.name,
        "database": alias,
        "backwards": backwards,
        "statements": statements,
        "sql": sql,
    }


def check_alias(alias: str) -> str:
    if alias not in connections:
        known = ", ".join(connections)
        raise NotFound(f"No database alias {alias!r}. The aliases in DATABASES: {known}.")
    return alias


def check_migrated_app(loader: MigrationLoader, app_label: str) -> None:
    """NotFound for an app that isn't installed, or has no migrations."""
    get_app_config(app_label)
    if app_label not in loader.migrated_apps:
        migrated = ", ".join(sorted(loader.migrated_apps))
        raise NotFound(f"App {app_label!r} has no migrations. The apps with migrations: {migrated}.")


def _migration_names(loader: MigrationLoader, app_label: str) -> list[str]:
    return sorted(name for app, name in loader.disk_migrations if app == app_label)
