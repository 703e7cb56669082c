"""Where a dev server's sidecar listens, so that the MCP server can find and attach to it.

One private directory per user (``MCP_DJANGO_RUNTIME_DIR``, else ``/tmp/mcp-django-<uid>``),
mode 0700; in it, per project, ``<key>.sock`` and ``<key>.json`` (mode 0600) holding the socket
path and the secret a client must present. The key is derived from the project's real path, the
same way on the Bun side (src/sidecar/devserver.ts).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any


class RuntimeDirError(Exception):
    """The runtime directory exists but isn't private to this user."""


def runtime_dir() -> Path:
    configured = os.environ.get("MCP_DJANGO_RUNTIME_DIR")
    directory = Path(configured) if configured else Path("/tmp") / f"mcp-django-{os.getuid()}"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = directory.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
        raise RuntimeDirError(f"{directory} must be a directory owned by you with mode 0700")
    return directory


def project_key(project_root: str) -> str:
    return hashlib.sha256(os.path.realpath(project_root).encode()).hexdigest()[:16]


def paths(project_root: str) -> tuple[Path, Path]:
    """The socket and the registration file for a project."""
    directory = runtime_dir()
    key = project_key(project_root)
    return directory / f"{key}.sock", directory / f"{key}.json"


def write_registration(path: Path, registration: dict[str, Any]) -> None:
    """Atomically, and readable only by this user: it holds the secret."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".registration-")
    try:
        with os.fdopen(fd, "w") as file:
            json.dump(registration, file)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def remove_registration(socket_path: Path, registration_path: Path, pid: int) -> None:
    """Remove our files, unless a newer process (the reloaded dev server) has replaced them."""
    try:
        if json.loads(registration_path.read_text()).get("pid") != pid:
            return
    except (OSError, ValueError):
        return
    for path in (registration_path, socket_path):
        try:
            path.unlink()
        except OSError:
            pass
