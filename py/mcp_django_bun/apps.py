import os
import sys

from django.apps import AppConfig


def is_dev_server_process() -> bool:
    """``runserver``'s serving process: the autoreloader's child, never its watcher."""
    if len(sys.argv) < 2 or sys.argv[1] != "runserver":
        return False
    return os.environ.get("RUN_MAIN") == "true" or "--noreload" in sys.argv


class McpDjangoConfig(AppConfig):
    name = "mcp_django_bun"
    verbose_name = "MCP server for Django"

    def ready(self) -> None:
        if os.environ.get("MCP_DJANGO_ATTACH", "1") != "0" and is_dev_server_process():
            from .sidecar import attached

            try:
                attached.start()
            except Exception as exc:  # a development convenience must never stop the dev server
                sys.stderr.write(f"mcp-django: not listening for MCP clients ({exc}); the dev server runs on\n")
