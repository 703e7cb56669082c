"""``migrations.*``, ``checks.run``, ``settings.*``, ``urls.*`` and ``templates.*``: read-only
looks at the project's state that Django's management commands give (showmigrations,
sqlmigrate, check, diffsettings), and at its URLs and templates.

Handlers import the introspection modules when called: ``dispatch`` imports this file before
Django is set up, and also where Django is missing.
"""

from __future__ import annotations

from ..bootstrap import Context
from ..contract import (
    ChecksArgs,
    ChecksResult,
    MigrationsArgs,
    MigrationSqlArgs,
    MigrationSqlResult,
    MigrationsResult,
    NoArgs,
    ResolveArgs,
    ResolveResult,
    ReverseArgs,
    ReverseResult,
    SettingArgs,
    SettingResult,
    SettingsResult,
    TemplateArgs,
    TemplateResult,
    TemplatesArgs,
    TemplatesResult,
)
from ..errors import InvalidArguments

# list_templates returns at most this many names unless asked for fewer.
TEMPLATES_LIMIT = 200
TEMPLATES_MAX_LIMIT = 2000


def migrations_status(args: MigrationsArgs, context: Context) -> MigrationsResult:
    from ..introspection.migrations import migration_status

    return migration_status(database=args.get("database"), app_label=args.get("app_label"))


def migrations_sql(args: MigrationSqlArgs, context: Context) -> MigrationSqlResult:
    from ..introspection.migrations import migration_sql

    return migration_sql(
        args["app_label"],
        args["migration_name"],
        database=args.get("database"),
        backwards=bool(args.get("backwards")),
    )


def checks_run(args: ChecksArgs, context: Context) -> ChecksResult:
    from ..introspection.checks import run_checks

    return run_checks(
        deploy=bool(args.get("deploy")),
        tags=_strings(args.get("tags"), "tags"),
        app_labels=_strings(args.get("app_labels"), "app_labels"),
        databases=_strings(args.get("databases"), "databases"),
    )


def settings_list(args: NoArgs, context: Context) -> SettingsResult:
    from ..introspection.settings import list_settings

    return list_settings()


def settings_get(args: SettingArgs, context: Context) -> SettingResult:
    from ..introspection.settings import get_setting

    return get_setting(args["name"])


def urls_resolve(args: ResolveArgs, context: Context) -> ResolveResult:
    from ..introspection.urls import resolve_path

    return resolve_path(args["path"])


def urls_reverse(args: ReverseArgs, context: Context) -> ReverseResult:
    from ..introspection.urls import reverse_name

    return reverse_name(args["name"], args=args.get("args"), kwargs=args.get("kwargs"))


def templates_find(args: TemplateArgs, context: Context) -> TemplateResult:
    from ..introspection.templates import find_template

    return find_template(args["name"])


def templates_list(args: TemplatesArgs, context: Context) -> TemplatesResult:
    from ..introspection.templates import list_templates

    limit = args.get("limit")
    if limit is not None and not 1 <= limit <= TEMPLATES_MAX_LIMIT:
        raise InvalidArguments(f"limit must be between 1 and {TEMPLATES_MAX_LIMIT}, not {limit}")
    return list_templates(prefix=args.get("prefix"), limit=limit or TEMPLATES_LIMIT)


def _strings(values: list[str] | None, name: str) -> list[str] | None:
    """A list argument's items, which dispatch does not check one by one."""
    if values is not None and not all(isinstance(value, str) for value in values):
        raise InvalidArguments(f"{name} must be a list of strings")
    return values
