"""The dev server's registration: where its sidecar listens, for the MCP server to find."""

from __future__ import annotations

import json
import os
import stat

import pytest

from mcp_django_bun.sidecar import registry


@pytest.fixture
def runtime_dir(tmp_path, monkeypatch):
    directory = tmp_path / "runtime"
    monkeypatch.setenv("MCP_DJANGO_RUNTIME_DIR", str(directory))
    return directory


def test_paths_are_in_the_private_runtime_dir_keyed_by_the_project(runtime_dir, tmp_path):
    socket_path, registration_path = registry.paths(str(tmp_path))
    key = registry.project_key(str(tmp_path))
    assert (socket_path, registration_path) == (runtime_dir / f"{key}.sock", runtime_dir / f"{key}.json")
    assert stat.S_IMODE(runtime_dir.stat().st_mode) == 0o700


def test_runtime_dir_open_to_others_is_refused(runtime_dir):
    runtime_dir.mkdir(mode=0o755)
    runtime_dir.chmod(0o755)
    with pytest.raises(registry.RuntimeDirError):
        registry.runtime_dir()


def test_registration_written_is_read_back_and_private(runtime_dir, tmp_path):
    _, registration_path = registry.paths(str(tmp_path))
    registry.write_registration(registration_path, {"pid": 12, "secret": "s"})
    assert json.loads(registration_path.read_text()) == {"pid": 12, "secret": "s"}
    assert stat.S_IMODE(registration_path.stat().st_mode) == 0o600


def test_remove_registration_removes_both_files_of_this_process(runtime_dir, tmp_path):
    socket_path, registration_path = registry.paths(str(tmp_path))
    socket_path.touch()
    registry.write_registration(registration_path, {"pid": os.getpid()})
    registry.remove_registration(socket_path, registration_path, os.getpid())
    assert not socket_path.exists() and not registration_path.exists()


def test_remove_registration_keeps_the_files_of_a_newer_process(runtime_dir, tmp_path):
    socket_path, registration_path = registry.paths(str(tmp_path))
    socket_path.touch()
    registry.write_registration(registration_path, {"pid": os.getpid() + 1})
    registry.remove_registration(socket_path, registration_path, os.getpid())
    assert socket_path.exists() and registration_path.exists()
