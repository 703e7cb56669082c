"""Management commands: the list, one command's arguments, and running one as ``manage.py`` would.

A command runs on the thread that runs shell code, with the shell's capture of stdout and stderr
and its interrupts, and with a stdin at end of file (``stdin.closed``): nobody is there to answer
a prompt. Its arguments go through the command's own parser, like ``manage.py``'s
``run_from_argv``, and its outcome is an exit status as a shell would see it: 0, a
``CommandError``'s return code (1 unless it says otherwise), 2 for a usage error, whatever a
``SystemExit`` says, and 1 with the traceback on stderr for an exception. Only ``--settings``
and ``--pythonpath`` are refused: they can't change for a process that runs already.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import time
from collections.abc import Iterable
from typing import Any

from django.core import management
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter, SystemCheckError
from django.db import connections

from . import capture, interrupts, stdin
from .contract import CommandArgument, CommandHelpResult, CommandRunResult, CommandSummary
from .errors import NotFound, describe_exception

# What argv[0] is for the parser: it shows in usage lines.
PROG = "manage.py"
# The status of an interrupted command, as a shell reports a process ended by SIGINT.
INTERRUPTED_STATUS = 130
# Close names suggested for an unknown command.
CLOSE_NAMES = 5
# Elements of a list default or of choices shown; choices can be a huge range.
VALUES_SHOWN = 100
# The options of every command (Django lists them last in --help).
COMMON_OPTIONS = frozenset({"-h", "--help", *DjangoHelpFormatter.show_last})


def list_commands() -> list[CommandSummary]:
    """Every command, by name, with its app and the first line of its help; a command that
    can't be loaded is listed with its error."""
    listed: list[CommandSummary] = []
    for name, app in sorted(management.get_commands().items()):
        summary: CommandSummary = {"name": name, "app": _app_name(app), "help": "", "error": None}
        try:
            summary["help"] = _first_line(_load(app, name).help)
        except Exception as exc:
            described = describe_exception(exc)
            summary["error"] = f"{described['exc_type']}: {described['message']}"
        listed.append(summary)
    return listed


def command_help(name: str) -> CommandHelpResult:
    """What ``manage.py help <name>`` says, as data: usage, description and each argument."""
    app = _find(name)
    parser = _load(app, name).create_parser(PROG, name)
    return {
        "name": name,
        "app": _app_name(app),
        "usage": parser.format_usage().strip(),
        "description": str(parser.description) if parser.description else None,
        "arguments": [
            _describe_argument(parser, action) for action in parser._actions if action.help != argparse.SUPPRESS
        ],
    }


def run_command(name: str, argv: list[str], limit: int, timeout: float) -> CommandRunResult:
    """Run ``manage.py <name> <argv…>`` in this process; the caller makes it interruptible."""
    app = _find(name)
    started = time.monotonic()
    interrupted: interrupts.Interrupted | None = None
    flag: str | None = None
    with capture.capturing(limit) as (stdout, stderr), stdin.closed() as prompted:
        try:
            command = _load(app, name)
            parser = command.create_parser(PROG, name)
            flag = _no_input_flag(parser)
            status, error = _execute(command, parser, argv)
        except interrupts.Interrupted as exc:
            interrupted = exc
            status, error = INTERRUPTED_STATUS, _interrupted_message(exc, timeout)
        except SystemExit as exc:
            status, error = _exit_status(exc)
            if not isinstance(exc.code, int) and exc.code is not None:
                stderr.write(f"{exc.code}\n")  # as Python prints it when a process ends that way
        except BaseException as exc:  # the command crashed: its traceback, as manage.py prints it
            described = describe_exception(exc)
            error = f"{described['exc_type']}: {described['message']}"
            # Its lines are 'File "…", line N, in f' and the source line, indented as Python prints them.
            trace = "".join(
                f"  {line}\n" if line.startswith("File ") else f"{line}\n" for line in described["traceback"]
            )
            stderr.write(f"Traceback (most recent call last):\n{trace}{error}\n")
            status = 1
        if prompted.wanted_input:
            stderr.note(_no_terminal_note(flag))
    result: CommandRunResult = {
        "command": name,
        "args": argv,
        "status": status,
        "stdout": stdout.getvalue(),
        "stderr": stderr.getvalue(),
        "error": error,
        "duration": round(time.monotonic() - started, 3),
    }
    if interrupted is not None:
        result["interrupted"] = interrupted.reason
    return result


def _execute(command: BaseCommand, parser: argparse.ArgumentParser, argv: list[str]) -> tuple[int, str | None]:
    """``BaseCommand.run_from_argv`` without its changes to the process (settings module, path)."""
    try:
        options = parser.parse_args(argv)
    except CommandError as exc:  # how a command's parser reports a usage error outside a terminal
        message = str(exc).removeprefix("Error: ")
        sys.stderr.write(f"{parser.format_usage()}{parser.prog}: error: {message}\n")
        return 2, message
    refused = _refused_default_option(options)
    if refused is not None:
        sys.stderr.write(f"{parser.format_usage()}{parser.prog}: error: {refused}\n")
        return 2, refused
    cmd_options = vars(options)
    args = cmd_options.pop("args", ())
    try:
        command.execute(*args, **cmd_options)
    except CommandError as exc:
        if options.traceback:
            raise
        # SystemCheckError takes care of its own formatting.
        if isinstance(exc, SystemCheckError):
            command.stderr.write(str(exc), lambda text: text)
        else:
            command.stderr.write(f"{type(exc).__name__}: {exc}")
        return exc.returncode, str(exc)
    finally:
        connections.close_all()
    return 0, None


def _refused_default_option(options: argparse.Namespace) -> str | None:
    """``--settings`` and ``--pythonpath`` change the process for every later call: refused,
    unless they say what is so already."""
    settings = getattr(options, "settings", None)
    if settings and settings != os.environ.get("DJANGO_SETTINGS_MODULE"):
        return (
            f"--settings {settings} can't apply here: commands run with the settings this process started with "
            f"({os.environ.get('DJANGO_SETTINGS_MODULE')}). Start mcp-django with --settings to change them."
        )
    pythonpath = getattr(options, "pythonpath", None)
    if pythonpath and pythonpath not in sys.path:
        return (
            f"--pythonpath {pythonpath} can't apply here: commands run with this process's path. "
            "Start mcp-django with --pythonpath to add a directory."
        )
    return None


def _exit_status(exc: SystemExit) -> tuple[int, str | None]:
    """The status of a process ending with ``exc``, and what went wrong when it is not 0."""
    if exc.code is None or exc.code == 0:
        return 0, None
    if isinstance(exc.code, int):  # a bool too: sys.exit(True) ends with status 1
        return int(exc.code), f"The command exited with status {int(exc.code)}."
    return 1, str(exc.code)


def _interrupted_message(exc: interrupts.Interrupted, timeout: float) -> str:
    if exc.reason == "timeout":
        return (
            f"The command timed out after {timeout:g} s and was interrupted. What it committed before stays; "
            "pass a larger timeout_seconds for long work."
        )
    return "The command was cancelled by the client and interrupted. What it committed before stays."


def _no_terminal_note(flag: str | None) -> str:
    what = "[mcp-django] The command asked for input, and there is no terminal here: its stdin is at end of file."
    if flag is not None:
        return f"{what} Run it with {flag} to go without prompts."
    return f"{what} Give it what it asks for as arguments or options, if it takes them."


def _no_input_flag(parser: argparse.ArgumentParser) -> str | None:
    """The command's option that turns its prompts off (Django names it --noinput, or --no-input)."""
    for action in parser._actions:
        if action.dest == "interactive" and action.option_strings:
            return str(action.option_strings[0])
    return None


def _find(name: str) -> Any:
    """The app of command ``name`` (as ``get_commands()`` has it), or NotFound naming close ones."""
    commands = management.get_commands()
    if name in commands:
        return commands[name]
    close = difflib.get_close_matches(name, commands, n=CLOSE_NAMES, cutoff=0.6)
    hint = f"Close ones: {', '.join(close)}." if close else f"There are {len(commands)} commands; none is close."
    raise NotFound(f"No management command {name!r}. {hint}")


def _load(app: Any, name: str) -> BaseCommand:
    """The command object, as ``manage.py`` gets it (``get_commands()`` may hold one ready)."""
    if isinstance(app, BaseCommand):
        return app
    command: BaseCommand = management.load_command_class(app, name)
    return command


def _app_name(app: Any) -> str:
    return str(app) if isinstance(app, str) else type(app).__module__


def _first_line(text: object) -> str:
    lines = str(text or "").strip().splitlines()
    return lines[0].strip() if lines else ""


def _describe_argument(parser: argparse.ArgumentParser, action: argparse.Action) -> CommandArgument:
    metavar = action.metavar
    return {
        "flags": list(action.option_strings),
        "dest": action.dest,
        "positional": not action.option_strings,
        # argparse marks a positional that takes "*" values required, though none at all will do.
        "required": bool(action.required) and action.nargs not in (argparse.OPTIONAL, argparse.ZERO_OR_MORE),
        "help": _expanded_help(parser, action),
        "default": None if action.default == argparse.SUPPRESS else _json_safe(action.default),
        "choices": None if action.choices is None else [_json_safe(choice) for choice in _first(action.choices)],
        "nargs": action.nargs if isinstance(action.nargs, (int, str)) else None,
        "type": _type_name(action.type),
        "action": _action_kind(parser, action),
        "metavar": " ".join(metavar) if isinstance(metavar, tuple) else metavar,
        "common": bool(COMMON_OPTIONS.intersection(action.option_strings)),
    }


def _expanded_help(parser: argparse.ArgumentParser, action: argparse.Action) -> str | None:
    """The help as ``--help`` shows it (``%(default)s`` and the like filled in)."""
    if action.help is None:
        return None
    try:
        formatter = parser._get_formatter()
        return str(formatter._expand_help(action))
    except (KeyError, TypeError, ValueError, AttributeError):
        return str(action.help)


def _action_kind(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    """The name the action was registered under (store, store_true, count…), else its class's."""
    registered: dict[object, type] = getattr(parser, "_registries", {}).get("action", {})
    names = [name for name, cls in registered.items() if cls is type(action) and isinstance(name, str)]
    return names[0] if names else type(action).__name__


def _type_name(kind: object) -> str | None:
    if kind is None:
        return None
    return str(getattr(kind, "__name__", type(kind).__name__))


def _first(values: Iterable[Any]) -> list[Any]:
    chosen: list[Any] = []
    for value in values:
        if len(chosen) == VALUES_SHOWN:
            break
        chosen.append(value)
    return chosen


def _json_safe(value: object) -> Any:
    """``value`` as JSON can carry it: scalars as they are, sequences item by item, else its repr."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_safe(item) for item in _first(value)]
    return repr(value)
