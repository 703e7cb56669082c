"""``shell.execute`` and ``shell.reset``."""

from __future__ import annotations

from .. import shell
from ..bootstrap import Context
from ..contract import EmptyResult, ShellExecuteArgs, ShellExecuteResult, ShellResetArgs

# Default cap for each of stdout, stderr and repr, in characters.
DEFAULT_OUTPUT_LIMIT = 50_000


def execute(args: ShellExecuteArgs, context: Context) -> ShellExecuteResult:
    from .. import readonly_db

    result = shell.execute(
        session=args["session"],
        code=args["code"],
        limit=args.get("limit", DEFAULT_OUTPUT_LIMIT),
        timeout=args["timeout"],
        has_state=args.get("has_state", False),
        restore=args.get("restore"),
    )
    # The MCP server says so in the call's notice.
    read_only = readonly_db.current()
    if read_only is not None and read_only["on"]:
        result["read_only"] = read_only
    return result


def reset(args: ShellResetArgs, context: Context) -> EmptyResult:
    shell.reset(args["session"])
    return {}
