"""Processes forked by user code never act as the sidecar: end to end, over the spawned sidecar's socket."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_sidecar_socket import hello, request, result_of, spawned_sidecar

from mcp_django_bun.sidecar.channel import Channel
from mcp_django_bun.sidecar.framing import encode_frame

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")


@dataclass
class Sidecar:
    conn: socket.socket
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    calls: int = 0

    def run(self, code: str) -> dict:
        """Run ``code`` in the shell; the answer must be this request's."""
        self.calls += 1
        request_id = str(self.calls)
        answer = request(self.conn, request_id, "shell.execute", {"session": "test/s", "code": code, "timeout": 10})
        assert (answer["id"], answer["ok"]) == (request_id, True), answer
        return result_of(answer)


@pytest.fixture
def sidecar() -> Iterator[Sidecar]:
    """A spawned sidecar, connected, with its real stdout and stderr in files (what the MCP server logs)."""
    workdir = Path(tempfile.mkdtemp(prefix="mcp-django-test-"))
    try:
        with (
            open(workdir / "stdout", "wb") as stdout,
            open(workdir / "stderr", "wb") as stderr,
            spawned_sidecar(str(workdir), stdout, stderr) as (conn, process),
        ):
            hello(conn)
            yield Sidecar(conn, process, workdir / "stdout", workdir / "stderr")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def wait_until(what: str, check: Callable[[], bool], seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def is_running(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


CHILD_RETURNS_FIRST = """
import os
pid = os.fork()
if pid == 0:
    result = 'child'
else:
    result = 'parent'
result
"""


def test_a_child_that_returns_first_never_answers_for_the_parent(sidecar):
    for _ in range(3):
        assert sidecar.run(CHILD_RETURNS_FIRST)["output"]["value"] == "'parent'"
    # Nothing stray is left on the socket: the next answer is the next request's.
    assert sidecar.run("6 * 7")["output"]["value"] == "42"


def test_a_child_that_returns_later_sends_nothing_either(sidecar):
    code = """
import os, time
pid = os.fork()
if pid == 0:
    time.sleep(0.5)
    result = 'child'
else:
    result = 'parent'
result
"""
    assert sidecar.run(code)["output"]["value"] == "'parent'"
    # Once the child has ended, the next answer is still the next request's, "started" first.
    assert sidecar.run("os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])")["output"]["value"] == "0"


@pytest.mark.parametrize(
    ("child", "status"),
    [("pass", 0), ("import sys; sys.exit(3)", 3), ("raise ValueError('in the child')", 1)],
)
def test_a_parent_waiting_for_its_child_gets_its_answer_and_the_exit_status(sidecar, child, status):
    code = f"""
import os
pid = os.fork()
if pid == 0:
    {child}
else:
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
status if pid else None
"""
    assert sidecar.run(code)["output"]["value"] == str(status)
    assert sidecar.run("6 * 7")["output"]["value"] == "42"


def test_a_childs_output_goes_to_the_sidecars_real_streams_not_to_the_answer(sidecar):
    code = """
import os, sys
print('before')
if os.fork() == 0:
    print('out of the child')
    print('err of the child', file=sys.stderr)
    print('x' * 1_000_000)
'parent'
"""
    result = sidecar.run(code)
    assert (result["output"]["value"], result["stdout"], result["stderr"]) == ("'parent'", "before\n", "")
    wait_until("the child's output", lambda: sidecar.stdout.read_text().count("x") == 1_000_000)
    assert "out of the child\n" in sidecar.stdout.read_text()
    assert "err of the child\n" in sidecar.stderr.read_text()
    assert "before" not in sidecar.stdout.read_text()


def test_a_child_that_fails_leaves_its_traceback_in_the_log(sidecar):
    code = "import os\nif os.fork() == 0:\n    raise ValueError('in the child')\n'parent'"
    assert sidecar.run(code)["output"]["value"] == "'parent'"
    wait_until("the child's traceback", lambda: "ValueError: in the child" in sidecar.stderr.read_text())
    assert "forked by the code, ended with:" in sidecar.stderr.read_text()
    assert 'File "<shell>", line 3, in <module>' in sidecar.stderr.read_text()


def test_multiprocessing_fork_pools_work(sidecar):
    code = """
import multiprocessing
with multiprocessing.get_context('fork').Pool(2) as pool:
    values = pool.map(abs, [-1, -2, -3])
values
"""
    assert sidecar.run(code)["output"]["value"] == "[1, 2, 3]"
    assert sidecar.run("6 * 7")["output"]["value"] == "42"


STUBBORN_CHILDREN = """
import os, signal, time
children = []
for leave_group in (False, True):
    pid = os.fork()
    if pid == 0:
        if leave_group:
            os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(60)
    children.append(pid)
children
"""


@linux_only
def test_children_forked_by_the_code_die_with_the_sidecar(sidecar):
    children = [int(pid) for pid in sidecar.run(STUBBORN_CHILDREN)["output"]["value"].strip("[]").split(", ")]
    try:
        assert all(is_running(pid) for pid in children)
        sidecar.process.kill()
        wait_until("the children to die", lambda: not any(is_running(pid) for pid in children), 3)
    finally:
        for pid in children:
            if is_running(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_channel_is_refused_to_any_other_process():
    left, right = socket.socketpair()
    channel = Channel(left)
    pid = os.fork()
    if pid == 0:  # a raw fork: the at-fork hooks of the sidecar aren't installed in this process
        try:
            channel.send({"type": "ev"})
        except OSError:
            os._exit(0)
        os._exit(1)
    try:
        assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
        right.settimeout(0.2)
        with pytest.raises(TimeoutError):
            right.recv(1)
        channel.send({"type": "ev"})
        assert right.recv(4) == encode_frame({"type": "ev"})[:4]
    finally:
        left.close()
        right.close()
