"""``python manage.py mcp``: the MCP server over stdio, with the sidecar in this process.

This process keeps the Django side (user code runs on its main thread, as in the spawned
sidecar); the MCP protocol is spoken by the mcp-django CLI (Bun), started as a child that
inherits stdin and the original stdout and connects back over a private socket.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ...sidecar import bootstrap, server

PACKAGE_ROOT = Path(__file__).resolve().parents[4]  # the npm package: py/mcp_django_bun/management/commands/


# A Unix socket's path must fit sun_path (108 bytes on Linux, 104 on macOS, the final NUL included).
MAX_SOCKET_PATH = 107 if sys.platform.startswith("linux") else 103


def short_temporary_dir() -> str:
    """The temporary folder, unless a long $TMPDIR would make the socket's path too long; then /tmp."""
    base = tempfile.gettempdir()
    longest = os.path.join(base, "mcp-django-" + "x" * 8, "sidecar.sock")
    return base if len(os.fsencode(longest)) <= MAX_SOCKET_PATH else "/tmp"


def find_bun() -> str | None:
    """MCP_DJANGO_BUN, else the Bun npm installed with this package (or a clone's), else bun on PATH."""
    if os.environ.get("MCP_DJANGO_BUN"):
        return os.environ["MCP_DJANGO_BUN"]
    for node_modules in (PACKAGE_ROOT / "node_modules", PACKAGE_ROOT.parent):
        for binary in sorted(node_modules.glob("@oven/bun-*/bin/bun")):
            return str(binary)
    return shutil.which("bun")


def cli_command(cli: str | None) -> list[str]:
    """How to run the mcp-django CLI: --cli / MCP_DJANGO_CLI, the src/ beside this package, else bunx."""
    bun = find_bun()
    if bun is None:
        raise CommandError("Bun was not found: install it (https://bun.sh) or set MCP_DJANGO_BUN to its path")
    script = cli or os.environ.get("MCP_DJANGO_CLI")
    if script is None and (PACKAGE_ROOT / "src" / "cli.ts").exists():
        script = str(PACKAGE_ROOT / "src" / "cli.ts")
    if script is None:
        return [bun, "x", "mcp-django"]
    return [bun, script]


class Command(BaseCommand):
    help = "Serve this project over MCP (stdio by default), with the shell running in this process."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cli", help="Path of the mcp-django CLI (src/cli.ts); default: found beside this package")
        # Defaults are the CLI's: only what is given is passed on.
        parser.add_argument("--transport", choices=["stdio", "http", "sse"])
        parser.add_argument("--host")
        parser.add_argument("--port")
        parser.add_argument("--path")
        parser.add_argument("--debug", action="store_true")
        parser.add_argument(
            "--show-secrets", action="store_true", help="Don't hide the project's secret values in results"
        )
        parser.add_argument(
            "--read-only", action="store_true", help="The database refuses every write of the shell, tools and commands"
        )
        parser.add_argument("--allow-writes", action="store_true", help="Turn read-only mode off")

    def handle(self, *args: Any, **options: Any) -> None:
        # The client's stream goes to the CLI alone. From here on this process writes to stderr,
        # including whatever the project printed at import time and still sits in stdout's buffer.
        mcp_stdout = os.dup(1)
        os.dup2(2, 1)
        sys.stdout.flush()

        command = cli_command(options["cli"])
        for flag in ("transport", "host", "port", "path"):
            if options[flag] is not None:
                command += [f"--{flag}", str(options[flag])]
        # After an edit of the project's code, the CLI runs calls in a fresh process of this interpreter.
        command += ["--python", sys.executable]
        if options["debug"]:
            command.append("--debug")
        if options["show_secrets"]:
            command.append("--show-secrets")
        for flag in ("read_only", "allow_writes"):
            if options[flag]:
                command.append(f"--{flag.replace('_', '-')}")

        workdir = tempfile.mkdtemp(prefix="mcp-django-", dir=short_temporary_dir())
        socket_path = os.path.join(workdir, "sidecar.sock")
        secret = secrets.token_urlsafe(32)
        sidecar = server.start("command", socket_path, secret)
        env = {**os.environ, "MCP_DJANGO_SIDECAR_SOCKET": socket_path, "MCP_DJANGO_SIDECAR_SECRET": secret}
        # The HTTP token is the server's: the project's code, running in this process, can't read it.
        os.environ.pop("MCP_DJANGO_TOKEN", None)
        try:
            cli = subprocess.Popen(command, stdin=0, stdout=mcp_stdout, stderr=2, env=env)
        except OSError as exc:
            raise CommandError(f"could not start {' '.join(command)}: {exc}") from exc
        finally:
            os.close(mcp_stdout)
        finished = threading.Event()

        def exit_with_cli() -> None:
            # If the CLI ends without a clean hang-up (bad flags, say), don't wait for it forever.
            code = cli.wait()
            if not finished.wait(2):
                shutil.rmtree(workdir, ignore_errors=True)
                os._exit(code)

        threading.Thread(target=exit_with_cli, name="mcp-cli-watch", daemon=True).start()
        try:
            sidecar.serve_one_client(bootstrap.already_set_up())
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            finished.set()
        if cli.wait() != 0:
            raise SystemExit(cli.returncode)
