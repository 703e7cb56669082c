"""``commands.list``, ``commands.help`` and ``commands.run``.

The work is in ``..commands``, imported when called: it imports Django, and ``dispatch`` imports
this file before Django is set up, and also where Django is missing.
"""

from __future__ import annotations

from ..bootstrap import Context
from ..contract import CommandArgs, CommandHelpResult, CommandRunArgs, CommandRunResult, CommandsResult, NoArgs
from .shell import DEFAULT_OUTPUT_LIMIT


def list_commands(args: NoArgs, context: Context) -> CommandsResult:
    from ..commands import list_commands

    return {"commands": list_commands()}


def command_help(args: CommandArgs, context: Context) -> CommandHelpResult:
    from ..commands import command_help

    return command_help(args["name"])


def run_command(args: CommandRunArgs, context: Context) -> CommandRunResult:
    from ..commands import run_command

    return run_command(
        args["name"], args["args"], limit=args.get("limit", DEFAULT_OUTPUT_LIMIT), timeout=args["timeout"]
    )
