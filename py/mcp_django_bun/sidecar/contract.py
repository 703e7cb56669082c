"""The contract between the MCP server (Bun) and the sidecar, written once on the Python side.

Protocol version, message vocabularies and, per operation, the shape of its arguments and result,
the error kinds it can answer with and whether it needs a working Django. ``dispatch`` checks
arguments against these shapes; ``python -m mcp_django_bun.sidecar.contract`` prints the contract as
JSON, which the Bun side's contract test compares with its own table.

Standard library only: this is imported before Django is set up, and where Django is missing,
and valid on old Pythons, which it is imported by to say they are too old.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, get_args

PROTOCOL_VERSION = 4

# The key of a successful ``res`` whose result is sent as JSON text (stdlib ``json`` encodes a
# large result many times faster than the pure-Python MessagePack codec, and the Bun side parses
# it faster too); ``result`` (MessagePack) is kept for a result JSON can't carry.
RESULT_JSON_KEY = "result_json"

# The oldest Python the sidecar runs on. An older one exits at once, with this status and a line
# on stderr saying so.
MINIMUM_PYTHON = (3, 10)
UNSUPPORTED_PYTHON_EXIT = 3

# A shell session key is f"{client}{SESSION_SEPARATOR}{mcp_session}": servers attached to one
# dev server never share a name. (Sessions end with the connection that created them.)
SESSION_SEPARATOR = "/"

ErrorKind = Literal["unknown_op", "invalid_args", "not_found", "setup_failed", "failed", "unsendable", "state_missing"]
EventKind = Literal["started"]
CancelReason = Literal["timeout", "cancelled"]
Mode = Literal["spawned", "attached", "command"]
HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]

ERROR_KINDS: tuple[ErrorKind, ...] = get_args(ErrorKind)
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)
CANCEL_REASONS: tuple[CancelReason, ...] = get_args(CancelReason)
MODES: tuple[Mode, ...] = get_args(Mode)
# Django's View.http_method_names order.
HTTP_METHODS: tuple[HttpMethod, ...] = get_args(HttpMethod)

SHELL_EXECUTE = "shell.execute"
SHELL_RESET = "shell.reset"
INTROSPECT_PROJECT = "introspect.project"
INTROSPECT_APPS = "introspect.apps"
INTROSPECT_APP = "introspect.app"
INTROSPECT_MODELS = "introspect.models"
INTROSPECT_MODEL = "introspect.model"
ROUTES_LIST = "routes.list"
MIGRATIONS_STATUS = "migrations.status"
MIGRATIONS_SQL = "migrations.sql"
CHECKS_RUN = "checks.run"
SETTINGS_LIST = "settings.list"
SETTINGS_GET = "settings.get"
URLS_RESOLVE = "urls.resolve"
URLS_REVERSE = "urls.reverse"
TEMPLATES_FIND = "templates.find"
TEMPLATES_LIST = "templates.list"
COMMANDS_LIST = "commands.list"
COMMANDS_HELP = "commands.help"
COMMANDS_RUN = "commands.run"
REQUEST_PROBE = "request.probe"
LOGS_LIST = "logs.list"
ERRORS_LAST = "errors.last"
SECRETS_VALUES = "secrets.values"


# --- shapes on the wire besides operations ----------------------------------------------------


class ExceptionInfo(TypedDict):
    """An exception as the sidecar reports it, without its own frames in the traceback."""

    exc_type: str
    message: str
    traceback: list[str]


class SetupError(ExceptionInfo):
    # settings_missing: the settings module (or its package) can't be found, so no call can work;
    # setup_failed: it was found and raised, which the user can fix while the server runs.
    kind: Literal["django_missing", "settings_missing", "setup_failed"]


class ErrorObject(TypedDict):
    """The ``error`` of a failed ``res``."""

    kind: ErrorKind
    message: str
    exc_type: str | None
    traceback: list[str]


# --- operations: arguments and results ----------------------------------------------------------
# Optional keys live in a ``total=False`` subclass (the standard library of Python 3.10 has no
# NotRequired). Results keep protocol 1's payload shapes; nested payloads stay plain dicts.


class NoArgs(TypedDict):
    pass


class EmptyResult(TypedDict):
    pass


StatementKind = Literal["import", "definition", "other"]


class StatementRecord(TypedDict):
    """One top-level statement of a run: imports and definitions can be re-run in a new sidecar."""

    kind: StatementKind
    source: str
    names: list[str]


class RunRecord(TypedDict):
    """What a run did to its session's namespace, for the history the Bun side keeps."""

    statements: list[StatementRecord]
    deleted: list[str]


class RestoreStep(TypedDict):
    """A statement to re-run when a session moves to a new sidecar, with the step it came from."""

    step: int
    source: str


class RestoreFailure(RestoreStep):
    error: str


class _ShellExecuteRequiredArgs(TypedDict):
    session: str
    code: str
    timeout: float


class ShellExecuteArgs(_ShellExecuteRequiredArgs, total=False):
    limit: int
    # The session has state the caller knows of: if this sidecar has no namespace for it, answer
    # "state_missing" rather than run the code in an empty one.
    has_state: bool
    # Re-run these first when this sidecar has no namespace for the session yet.
    restore: list[RestoreStep]


class _ShellExecuteRequiredResult(TypedDict):
    status: str
    output: dict[str, Any]
    stdout: str
    stderr: str
    record: RunRecord


class ReadOnlyInfo(TypedDict):
    """Whether the database refuses the sidecar's writes (``--read-only``), and why."""

    on: bool
    why: str


class ShellExecuteResult(_ShellExecuteRequiredResult, total=False):
    # Present when ``restore`` was run by this call: the statements that failed.
    restore_failures: list[RestoreFailure]
    # Present while read-only mode is on.
    read_only: ReadOnlyInfo


class ShellResetArgs(TypedDict):
    session: str


class SidecarInfo(TypedDict):
    mode: Mode
    pid: int


class _ProjectRequiredResult(TypedDict):
    python: dict[str, Any]
    django: dict[str, Any]
    mcp: SidecarInfo


class ProjectResult(_ProjectRequiredResult, total=False):
    read_only: ReadOnlyInfo


class AppSummary(TypedDict):
    name: str
    label: str
    verbose_name: str
    path: str
    models: list[str]


class AppsResult(TypedDict):
    apps: list[AppSummary]


class AppArgs(TypedDict):
    app_label: str


class ModelResult(TypedDict):
    model_class: str
    import_path: str
    source_path: str | None
    line: int | None
    app_label: str
    label: str
    db_table: str
    fields: dict[str, str]
    relations: list[dict[str, Any]]


class AppResult(AppSummary):
    model_details: list[ModelResult]


class ModelsResult(TypedDict):
    models: list[ModelResult]


class ModelArgs(TypedDict):
    app_label: str
    model_name: str


class RoutesArgs(TypedDict, total=False):
    method: str | None
    name: str | None
    pattern: str | None


class RoutesResult(TypedDict):
    routes: list[dict[str, Any]]
    count: int
    total: int


class CommandSummary(TypedDict):
    name: str
    app: str
    # The first line of its help; "" when it can't be loaded.
    help: str
    # Why the command can't be loaded (its module fails to import), else None.
    error: str | None


class CommandsResult(TypedDict):
    commands: list[CommandSummary]


class CommandArgs(TypedDict):
    name: str


class CommandArgument(TypedDict):
    """One argument of a command's parser."""

    flags: list[str]
    dest: str
    positional: bool
    required: bool
    help: str | None
    default: Any
    choices: list[Any] | None
    nargs: int | str | None
    type: str | None
    action: str
    metavar: str | None
    # One of the options every command has (--verbosity, --settings…).
    common: bool


class CommandHelpResult(TypedDict):
    name: str
    app: str
    usage: str
    description: str | None
    arguments: list[CommandArgument]


class _CommandRunRequiredArgs(TypedDict):
    name: str
    args: list[str]
    timeout: float


class CommandRunArgs(_CommandRunRequiredArgs, total=False):
    limit: int


class _CommandRunRequiredResult(TypedDict):
    command: str
    args: list[str]
    status: int
    stdout: str
    stderr: str
    error: str | None
    duration: float


class CommandRunResult(_CommandRunRequiredResult, total=False):
    # Present when the command was interrupted, with the reason.
    interrupted: CancelReason


class MigrationsArgs(TypedDict, total=False):
    database: str | None
    app_label: str | None


class MigrationsResult(TypedDict):
    databases: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    model_changes: list[dict[str, Any]]


class _MigrationSqlRequiredArgs(TypedDict):
    app_label: str
    migration_name: str


class MigrationSqlArgs(_MigrationSqlRequiredArgs, total=False):
    database: str | None
    backwards: bool | None


class MigrationSqlResult(TypedDict):
    app_label: str
    migration_name: str
    database: str
    backwards: bool
    statements: list[str]
    sql: str


class ChecksArgs(TypedDict, total=False):
    deploy: bool | None
    tags: list[str] | None
    app_labels: list[str] | None
    databases: list[str] | None


class ChecksResult(TypedDict):
    messages: list[dict[str, Any]]
    counts: dict[str, int]
    silenced: int


class SettingsResult(TypedDict):
    settings_module: str | None
    settings: dict[str, Any]
    count: int
    at_default: list[str]


class SettingArgs(TypedDict):
    name: str


class _SettingRequiredResult(TypedDict):
    name: str
    value: Any
    is_default: bool


class SettingResult(_SettingRequiredResult, total=False):
    # Django's own default (redacted alike), absent for a setting Django has no default for.
    default: Any


class ResolveArgs(TypedDict):
    path: str


class ResolveResult(TypedDict):
    path: str
    route: str
    url_name: str | None
    view_name: str
    namespace: str | None
    namespaces: list[str]
    app_names: list[str]
    args: list[Any]
    kwargs: dict[str, Any]
    view: dict[str, Any]


class _ReverseRequiredArgs(TypedDict):
    name: str


class ReverseArgs(_ReverseRequiredArgs, total=False):
    args: list[Any] | None
    kwargs: dict[str, Any] | None


class ReverseResult(TypedDict):
    name: str
    path: str
    route: str | None


class TemplateArgs(TypedDict):
    name: str


class TemplateResult(TypedDict):
    name: str
    winner: dict[str, Any]
    candidates: list[dict[str, Any]]


class TemplatesArgs(TypedDict, total=False):
    prefix: str | None
    limit: int | None


class TemplatesResult(TypedDict):
    templates: list[str]
    count: int
    total: int


class SecretValue(TypedDict):
    """A secret value of the project (a setting's, an environment variable's) and the name the MCP
    server shows in its place."""

    name: str
    value: str


class SecretsResult(TypedDict):
    values: list[SecretValue]
    # Why the settings could not be read (Django could not be set up): then only the environment's
    # values are listed. None when they were read.
    settings_error: str | None


class _ProbeRequiredArgs(TypedDict):
    # One of HTTP_METHODS.
    method: str
    path: str
    timeout: float


class ProbeArgs(_ProbeRequiredArgs, total=False):
    headers: dict[str, str] | None
    # Form fields: the query string of a GET, HEAD, OPTIONS or TRACE; the body of the others.
    data: dict[str, Any] | None
    # A JSON body, encoded already.
    json_body: str | None
    # A username (USERNAME_FIELD) or primary key to sign in as; None for anonymous.
    user: str | int | None
    follow: bool
    commit: bool
    html_as_text: bool
    body_limit: int
    limit: int


class _ProbeRequiredResult(TypedDict):
    request: dict[str, Any]
    status: int | None
    reason: str | None
    redirect_chain: list[dict[str, Any]]
    view: dict[str, Any] | None
    templates: list[dict[str, Any]]
    sql: dict[str, Any]
    transaction: dict[str, Any]
    mail: list[dict[str, Any]]
    headers: dict[str, str]
    cookies: list[str]
    body: dict[str, Any] | None
    exception: dict[str, Any] | None
    logs: list[dict[str, Any]]
    stdout: str
    stderr: str
    duration_ms: float
    notes: list[str]


class ProbeResult(_ProbeRequiredResult, total=False):
    # Present when the request was interrupted, with the reason.
    interrupted: CancelReason


LogSource = Literal["memory", "files"]


class LogsArgs(TypedDict, total=False):
    # One of LogSource.
    source: str
    level: str | None
    logger: str | None
    contains: str | None
    # Seconds since the epoch.
    since: float | None
    limit: int


class LogsResult(TypedDict):
    source: LogSource
    records: list[dict[str, Any]]
    files: list[dict[str, Any]]
    count: int
    matched: int
    buffered: int
    capacity: int
    dropped: int
    recording_since: str | None
    mcp: SidecarInfo
    note: str | None


class LastErrorResult(TypedDict):
    error: dict[str, Any] | None
    recorded: int
    recording_since: str | None
    mcp: SidecarInfo
    note: str | None


@dataclass(frozen=True)
class OpSpec:
    args: Any  # a TypedDict class; typing has no type for "any TypedDict class"
    result: Any
    errors: tuple[ErrorKind, ...]
    needs_django: bool


_DJANGO_OP_ERRORS: tuple[ErrorKind, ...] = ("invalid_args", "setup_failed", "failed", "unsendable")
_LOOKUP_OP_ERRORS: tuple[ErrorKind, ...] = (*_DJANGO_OP_ERRORS, "not_found")
_SHELL_OP_ERRORS: tuple[ErrorKind, ...] = (*_DJANGO_OP_ERRORS, "state_missing")

# "unknown_op" can answer any request, so no op lists it.
OPS: dict[str, OpSpec] = {
    SHELL_EXECUTE: OpSpec(ShellExecuteArgs, ShellExecuteResult, _SHELL_OP_ERRORS, needs_django=True),
    SHELL_RESET: OpSpec(ShellResetArgs, EmptyResult, ("invalid_args", "failed"), needs_django=False),
    INTROSPECT_PROJECT: OpSpec(NoArgs, ProjectResult, _DJANGO_OP_ERRORS, needs_django=True),
    INTROSPECT_APPS: OpSpec(NoArgs, AppsResult, _DJANGO_OP_ERRORS, needs_django=True),
    INTROSPECT_APP: OpSpec(AppArgs, AppResult, _LOOKUP_OP_ERRORS, needs_django=True),
    INTROSPECT_MODELS: OpSpec(NoArgs, ModelsResult, _DJANGO_OP_ERRORS, needs_django=True),
    INTROSPECT_MODEL: OpSpec(ModelArgs, ModelResult, _LOOKUP_OP_ERRORS, needs_django=True),
    ROUTES_LIST: OpSpec(RoutesArgs, RoutesResult, _DJANGO_OP_ERRORS, needs_django=True),
    MIGRATIONS_STATUS: OpSpec(MigrationsArgs, MigrationsResult, _LOOKUP_OP_ERRORS, needs_django=True),
    MIGRATIONS_SQL: OpSpec(MigrationSqlArgs, MigrationSqlResult, _LOOKUP_OP_ERRORS, needs_django=True),
    CHECKS_RUN: OpSpec(ChecksArgs, ChecksResult, _LOOKUP_OP_ERRORS, needs_django=True),
    SETTINGS_LIST: OpSpec(NoArgs, SettingsResult, _DJANGO_OP_ERRORS, needs_django=True),
    SETTINGS_GET: OpSpec(SettingArgs, SettingResult, _LOOKUP_OP_ERRORS, needs_django=True),
    URLS_RESOLVE: OpSpec(ResolveArgs, ResolveResult, _LOOKUP_OP_ERRORS, needs_django=True),
    URLS_REVERSE: OpSpec(ReverseArgs, ReverseResult, _LOOKUP_OP_ERRORS, needs_django=True),
    TEMPLATES_FIND: OpSpec(TemplateArgs, TemplateResult, _LOOKUP_OP_ERRORS, needs_django=True),
    TEMPLATES_LIST: OpSpec(TemplatesArgs, TemplatesResult, _DJANGO_OP_ERRORS, needs_django=True),
    COMMANDS_LIST: OpSpec(NoArgs, CommandsResult, _DJANGO_OP_ERRORS, needs_django=True),
    COMMANDS_HELP: OpSpec(CommandArgs, CommandHelpResult, _LOOKUP_OP_ERRORS, needs_django=True),
    COMMANDS_RUN: OpSpec(CommandRunArgs, CommandRunResult, _LOOKUP_OP_ERRORS, needs_django=True),
    REQUEST_PROBE: OpSpec(ProbeArgs, ProbeResult, _LOOKUP_OP_ERRORS, needs_django=True),
    LOGS_LIST: OpSpec(LogsArgs, LogsResult, _DJANGO_OP_ERRORS, needs_django=True),
    ERRORS_LAST: OpSpec(NoArgs, LastErrorResult, _DJANGO_OP_ERRORS, needs_django=True),
    SECRETS_VALUES: OpSpec(NoArgs, SecretsResult, ("invalid_args", "failed", "unsendable"), needs_django=False),
}


def describe() -> dict[str, Any]:
    """The contract as the JSON the Bun side's contract test compares with its own table."""
    return {
        "protocol": PROTOCOL_VERSION,
        "minimum_python": list(MINIMUM_PYTHON),
        "unsupported_python_exit": UNSUPPORTED_PYTHON_EXIT,
        "error_kinds": list(ERROR_KINDS),
        "event_kinds": list(EVENT_KINDS),
        "cancel_reasons": list(CANCEL_REASONS),
        "modes": list(MODES),
        "session_separator": SESSION_SEPARATOR,
        "http_methods": list(HTTP_METHODS),
        "result_json_key": RESULT_JSON_KEY,
        "ops": {
            name: {
                "args": {
                    "required": sorted(spec.args.__required_keys__),
                    "optional": sorted(spec.args.__optional_keys__),
                },
                "result": sorted(spec.result.__required_keys__ | spec.result.__optional_keys__),
                "errors": sorted(spec.errors),
                "needs_django": spec.needs_django,
            }
            for name, spec in OPS.items()
        },
    }


if __name__ == "__main__":
    print(json.dumps(describe(), indent=2))
