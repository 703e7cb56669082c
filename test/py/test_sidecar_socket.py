"""End to end: the spawned sidecar, as the MCP server starts it, over its socket."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import IO, Any

import pytest
from conftest import EXAMPLE_ROOT, PY_ROOT

from mcp_django_bun.sidecar.contract import PROTOCOL_VERSION, RESULT_JSON_KEY
from mcp_django_bun.sidecar.framing import encode_frame, read_frame

SECRET = "test-secret"


@contextlib.contextmanager
def spawned_sidecar(
    workdir: str, output: IO[bytes] | int = subprocess.DEVNULL, errors: IO[bytes] | int = subprocess.DEVNULL
) -> Iterator[tuple[socket.socket, subprocess.Popen[bytes]]]:
    """A spawned sidecar (as src/sidecar/spawn.ts starts it) with its socket in ``workdir``,
    connected; killed after. Its real stdout and stderr go to ``output`` and ``errors``."""
    socket_path = os.path.join(workdir, "sidecar.sock")
    env = {
        **os.environ,
        "MCP_DJANGO_SECRET": SECRET,
        "DJANGO_SETTINGS_MODULE": "bookshop.settings",
        "PYTHONPATH": str(PY_ROOT),
    }
    command = [sys.executable, "-X", "utf8", "-u", "-m", "mcp_django_bun.sidecar", "--socket", socket_path]
    process = subprocess.Popen(
        [*command, "--parent-pid", str(os.getpid())],
        cwd=EXAMPLE_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=errors,
    )
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        deadline = time.monotonic() + 15
        while not os.path.exists(socket_path):
            assert process.poll() is None and time.monotonic() < deadline, "the sidecar did not listen"
            time.sleep(0.02)
        conn.settimeout(15)
        conn.connect(socket_path)
        yield conn, process
    finally:
        conn.close()
        process.kill()
        process.wait(10)


@pytest.fixture
def sidecar() -> Iterator[socket.socket]:
    """A spawned sidecar, connected; stopped and removed after."""
    workdir = tempfile.mkdtemp(prefix="mcp-django-test-")  # short: socket paths are limited to ~100 bytes
    try:
        with spawned_sidecar(workdir) as (conn, _process):
            yield conn
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def hello(conn: socket.socket) -> dict[str, Any]:
    conn.sendall(encode_frame({"type": "hello", "protocol": PROTOCOL_VERSION, "secret": SECRET, "client": "test"}))
    reply = read_frame(conn)
    assert reply is not None
    return reply


def request(conn: socket.socket, request_id: str, op: str, args: dict[str, Any]) -> dict[str, Any]:
    """Send a request; return its answer after checking the "started" event came first."""
    conn.sendall(encode_frame({"type": "req", "id": request_id, "op": op, "args": args}))
    assert read_frame(conn) == {"type": "ev", "id": request_id, "kind": "started", "data": None}
    answer = read_frame(conn)
    assert answer is not None
    return answer


def result_of(answer: dict[str, Any]) -> Any:
    """A successful answer's result, from its JSON text (or its MessagePack ``result``)."""
    return json.loads(answer[RESULT_JSON_KEY]) if RESULT_JSON_KEY in answer else answer["result"]


def test_sidecar_says_hello_with_the_protocol_version_its_mode_and_django(sidecar):
    reply = hello(sidecar)
    assert (reply["type"], reply["protocol"], reply["mode"]) == ("hello", PROTOCOL_VERSION, "spawned")
    assert reply["setup_error"] is None
    assert reply["settings_module"] == "bookshop.settings"
    assert "error" not in reply


def test_sidecar_refuses_a_hello_of_another_protocol(sidecar):
    sidecar.sendall(encode_frame({"type": "hello", "protocol": 1, "secret": SECRET, "client": "test"}))
    assert read_frame(sidecar) == {"type": "hello", "protocol": PROTOCOL_VERSION, "error": "protocol version mismatch"}


def test_shell_execute_answers_with_the_value(sidecar):
    hello(sidecar)
    answer = request(sidecar, "1", "shell.execute", {"session": "test/s", "code": "6 * 7", "timeout": 5})
    assert answer["ok"] is True
    assert result_of(answer)["output"] == {"value": "42", "value_type": "int"}


def test_a_result_comes_as_json_text(sidecar):
    hello(sidecar)
    answer = request(sidecar, "1", "routes.list", {"name": "book-detail"})
    assert "result" not in answer
    assert json.loads(answer[RESULT_JSON_KEY])["routes"][0]["name"] == "book-detail"


def test_missing_app_answers_a_not_found_error_object(sidecar):
    hello(sidecar)
    answer = request(sidecar, "1", "introspect.app", {"app_label": "nope"})
    assert (answer["type"], answer["id"], answer["ok"]) == ("res", "1", False)
    error = answer["error"]
    assert set(error) == {"kind", "message", "exc_type", "traceback"}
    assert error["kind"] == "not_found"
    assert "nope" in error["message"]
    assert (error["exc_type"], error["traceback"]) == (None, [])


def test_cancel_interrupts_running_code_at_once(sidecar):
    hello(sidecar)
    args = {"session": "test/s", "code": "import time\ntime.sleep(30)", "timeout": 0.5}
    sidecar.sendall(encode_frame({"type": "req", "id": "1", "op": "shell.execute", "args": args}))
    assert read_frame(sidecar) == {"type": "ev", "id": "1", "kind": "started", "data": None}
    time.sleep(0.5)  # "started" comes just before the code runs: cancel once it surely runs
    started = time.monotonic()
    sidecar.sendall(encode_frame({"type": "cancel", "id": "1", "reason": "timeout"}))
    answer = read_frame(sidecar)
    assert answer is not None
    assert result_of(answer)["output"]["exception"]["exc_type"] == "TimeoutError"
    assert time.monotonic() - started < 5
