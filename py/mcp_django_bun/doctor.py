"""``python -m mcp_django_bun.doctor``: the checks of ``mcp-django doctor`` that need the project's Python.

``mcp-django doctor`` runs this in the project's interpreter (3.10 or newer: the MCP server checks the
version first), in the project root, with ``DJANGO_SETTINGS_MODULE`` set, and without starting the
sidecar. Each check writes JSON lines on the original stdout: ``{"begin": name}`` as it starts, so a
check that hangs is known by name, then ``{"name", "status", "detail", "fix"}`` with its verdict. The
project's own output (a ``print()`` in its settings, say) goes to stderr and never mixes with them.

Checks, in order, each needing the ones before it: Django imports, the settings module imports,
``django.setup()`` loads the apps, each database in ``DATABASES`` answers, the URLconf imports.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Literal

Status = Literal["ok", "fail", "warn", "skip"]

# The oldest Django mcp-django supports (py/pyproject.toml).
OLDEST_DJANGO = (4, 2)
# A message is shown on one line of a terminal: longer ones are cut.
MESSAGE_LIMIT = 300


@dataclass(frozen=True)
class Result:
    """One check's verdict, as ``mcp-django doctor`` prints it."""

    name: str
    status: Status
    detail: str
    fix: str | None = None

    def as_json(self) -> dict[str, str]:
        line = {"name": self.name, "status": self.status, "detail": self.detail}
        if self.fix:
            line["fix"] = self.fix
        return line


Report = Callable[[dict[str, str]], None]


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line, whitespace collapsed, cut to ``MESSAGE_LIMIT``."""
    message = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def where(exc: BaseException) -> str | None:
    """``file:line`` the exception comes from: the innermost frame in the project (the working
    directory) if any, else the innermost of all; a SyntaxError's own file and line."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{_shown_path(exc.filename)}:{exc.lineno}"
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return None
    root = os.getcwd() + os.sep
    ours = os.path.dirname(os.path.abspath(__file__)) + os.sep
    in_project = [
        frame
        for frame in frames
        if os.path.abspath(frame.filename).startswith(root) and not os.path.abspath(frame.filename).startswith(ours)
    ]
    frame = (in_project or frames)[-1]
    return f"{_shown_path(frame.filename)}:{frame.lineno}"


def _shown_path(path: str) -> str:
    """Relative to the project root when inside it."""
    absolute = os.path.abspath(path)
    root = os.getcwd() + os.sep
    return absolute[len(root) :] if absolute.startswith(root) else absolute


def raised(what: str, exc: BaseException) -> str:
    """``<what> raises Type: message (file:line)``."""
    location = where(exc)
    return f"{what} raises {one_line(exc)}" + (f" ({location})" if location else "")


def missing_module(exc: BaseException, module: str) -> bool:
    """Whether ``exc`` says that ``module`` itself (or a package above it) is not on the path."""
    name = getattr(exc, "name", None)
    return isinstance(exc, ModuleNotFoundError) and bool(name) and (module == name or module.startswith(f"{name}."))


def check_django() -> Result:
    try:
        import django
    except ImportError as exc:
        return Result(
            "django",
            "fail",
            f"not importable in {sys.executable}: {one_line(exc)}",
            f"install it there ({sys.executable} -m pip install Django, or your project's requirements), "
            "or pass --python with your project's interpreter",
        )
    version = django.get_version()
    if django.VERSION[:2] < OLDEST_DJANGO:
        oldest = ".".join(map(str, OLDEST_DJANGO))
        return Result(
            "django",
            "warn",
            f"Django {version}: mcp-django supports {oldest}+; some tools may fail",
            f'upgrade it: {sys.executable} -m pip install "Django>={oldest}"',
        )
    return Result("django", "ok", f"Django {version} ({os.path.dirname(django.__file__)})")


def check_settings() -> Result:
    module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 (imports the settings module)
    except BaseException as exc:
        if missing_module(exc, module):
            return Result(
                "settings",
                "fail",
                f"no module {module} on the Python path ({one_line(exc)})",
                "pass --settings with your settings module, or --pythonpath with the folder that holds it "
                f"(the project root {os.getcwd()} is on the path)",
            )
        return Result(
            "settings",
            "fail",
            raised(module, exc),
            "fix that error in your settings; python manage.py check shows the whole traceback",
        )
    return Result("settings", "ok", f"{module} imports")


def check_apps() -> Result:
    import django

    try:
        django.setup()
    except BaseException as exc:
        name = getattr(exc, "name", None)
        if isinstance(exc, ModuleNotFoundError) and name:
            fix = (
                f"install the package that provides {name} in {sys.executable}, "
                "or take it out of INSTALLED_APPS (or MIDDLEWARE, LOGGING…)"
            )
        else:
            fix = "fix that error (in an app's code or a setting); python manage.py check shows the whole traceback"
        return Result("apps", "fail", raised("django.setup()", exc), fix)
    from django.apps import apps

    return Result("apps", "ok", f"{len(apps.get_app_configs())} apps loaded")


def _describe_database(config: dict[str, Any]) -> str:
    """The engine and where the database is, never its credentials."""
    engine = str(config.get("ENGINE", "")).rsplit(".", 1)[-1] or "no ENGINE"
    name = str(config.get("NAME", ""))
    host = str(config.get("HOST", ""))
    port = str(config.get("PORT", ""))
    at = f" on {host}{':' + port if port else ''}" if host else ""
    return f"{engine} {name}{at}".strip()


def _sqlite_file(config: dict[str, Any]) -> str | None:
    """The file of an SQLite database; None for one in memory or named by URI."""
    if "sqlite" not in str(config.get("ENGINE", "")):
        return None
    name = str(config.get("NAME", ""))
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return os.path.abspath(name)


def check_database(alias: str) -> Result:
    """Connect and run ``SELECT 1``. A missing SQLite file is not created."""
    from django.conf import settings
    from django.db import connections

    check = f"database {alias}"
    config: dict[str, Any] = settings.DATABASES.get(alias, {})
    described = _describe_database(config)
    sqlite_file = _sqlite_file(config)
    if sqlite_file and not os.path.exists(sqlite_file):
        folder = os.path.dirname(sqlite_file)
        if not os.path.isdir(folder):
            return Result(
                check,
                "fail",
                f"{described}: the folder {folder} does not exist",
                f"create it, or point DATABASES[{alias!r}]['NAME'] at a file in an existing folder",
            )
        return Result(
            check,
            "warn",
            f"{described}: no database file yet",
            "python manage.py migrate creates it (or point NAME at your database file)",
        )
    try:
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1" + connection.features.bare_select_suffix)
            cursor.fetchone()
    except BaseException as exc:
        if type(exc).__name__ == "ImproperlyConfigured":
            fix = f"install the database driver the message names in {sys.executable}, or fix DATABASES[{alias!r}]"
        elif sqlite_file:
            fix = f"check DATABASES[{alias!r}]['NAME']: the file and its folder must be readable and writable"
        else:
            fix = (
                f"check that the database server is running and DATABASES[{alias!r}] (HOST, PORT, NAME, USER, PASSWORD)"
            )
        return Result(check, "fail", f"{described}: {one_line(exc)}", fix)
    finally:
        _close(alias)
    return Result(check, "ok", f"{described} answers")


def _close(alias: str) -> None:
    from django.db import connections

    try:
        connections[alias].close()
    except Exception:
        pass  # closing a connection that failed to open: nothing to keep


def check_urlconf() -> Result:
    from django.conf import settings

    urlconf = getattr(settings, "ROOT_URLCONF", None)
    if not urlconf:
        return Result(
            "urlconf",
            "warn",
            "ROOT_URLCONF is not set: the project serves no URLs",
            "set ROOT_URLCONF in your settings to your urls module",
        )
    from django.urls import get_resolver

    try:
        patterns = get_resolver(urlconf).url_patterns
    except BaseException as exc:
        if missing_module(exc, urlconf):
            fix = f"ROOT_URLCONF names {urlconf}, which is not on the Python path: fix the setting"
        else:
            fix = "fix that error in your URLconf or what it includes; python manage.py check shows the traceback"
        return Result("urlconf", "fail", raised(urlconf, exc), fix)
    return Result("urlconf", "ok", f"{urlconf} imports ({len(patterns)} top-level patterns)")


def run_checks(report: Report) -> None:
    """Each check in turn; a failed one skips those that need it."""

    def run(name: str, check: Callable[[], Result]) -> Result:
        report({"begin": name})
        result = check()
        report(result.as_json())
        return result

    def skip(name: str, why: str) -> None:
        report(Result(name, "skip", why).as_json())

    if run("django", check_django).status == "fail":
        for name in ("settings", "apps", "database", "urlconf"):
            skip(name, "needs Django")
        return
    if run("settings", check_settings).status == "fail":
        for name in ("apps", "database", "urlconf"):
            skip(name, "needs the settings module")
        return
    apps = run("apps", check_apps)
    # The databases need only the settings.
    from django.conf import settings

    aliases = list(settings.DATABASES)
    if not aliases:
        skip("database", "DATABASES is empty")
    for alias in aliases:
        run(f"database {alias}", functools.partial(check_database, alias))
    if apps.status == "fail":
        skip("urlconf", "needs the apps loaded")
    else:
        run("urlconf", check_urlconf)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mcp_django_bun.doctor")
    parser.add_argument("--pythonpath", action="append", default=[], help="directory to add to sys.path")
    args = parser.parse_args(argv)
    sys.path[:0] = [os.path.abspath(path) for path in args.pythonpath]

    # Our report keeps the real stdout; everything else written there, by Python or C code, goes to stderr.
    sys.stdout.flush()
    out: IO[str] = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)

    def report(line: dict[str, str]) -> None:
        out.write(json.dumps(line) + "\n")
        out.flush()

    status = 0
    try:
        run_checks(report)
    except BaseException:
        # A bug of ours, not the project's: mcp-django doctor shows the end of this traceback.
        traceback.print_exc()
        status = 1
    out.flush()
    sys.stderr.flush()
    # Threads the project started at import would keep the process alive: leave without them.
    os._exit(status)


if __name__ == "__main__":
    main()
