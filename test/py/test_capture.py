"""Per-request capture of sys.stdout and sys.stderr."""

from __future__ import annotations

import gc
import io
import sys
import threading

import pytest
from conftest import sidecar_streams

from mcp_django_bun.sidecar import capture, shell


def test_stdout_and_stderr_are_captured_apart():
    with sidecar_streams(), capture.capturing(100) as (stdout, stderr):
        print("out")
        print("err", file=sys.stderr)
    assert (stdout.getvalue(), stderr.getvalue()) == ("out\n", "err\n")


def test_output_beyond_the_limit_is_cut_with_the_full_size():
    with sidecar_streams(), capture.capturing(5) as (stdout, _):
        sys.stdout.write("0123456789")
    assert stdout.getvalue() == "01234\n[... truncated: showing 5 of 10 characters]"


def test_other_threads_are_not_captured():
    with sidecar_streams(), capture.capturing(100) as (stdout, _):
        thread = threading.Thread(target=lambda: print("elsewhere"))
        thread.start()
        thread.join()
    assert stdout.getvalue() == ""


def test_install_is_idempotent():
    with sidecar_streams():
        proxy = sys.stdout
        capture.install()
        assert sys.stdout is proxy


def run(code: str) -> dict:
    """One shell call; the session is dropped after it."""
    try:
        return dict(shell.execute("test/capture", code, limit=1000, timeout=5))
    finally:
        shell.reset("test/capture")


@pytest.mark.parametrize(
    ("breaking", "stream"),
    [
        ("import sys\nsys.stdout = None", "stdout"),
        ("import sys\nsys.stdout = io.StringIO()", "stdout"),
        ("import os, sys\nsys.stderr = open(os.devnull, 'w')", "stderr"),
    ],
)
def test_a_stream_the_code_replaces_is_put_back_after_its_call_which_says_so(breaking, stream):
    with sidecar_streams():
        broken = run(f"import io\n{breaking}")
        after = run("import sys\nprint('out')\nprint('err', file=sys.stderr)")
    assert broken["stderr"] == f"[mcp-django] sys.{stream} was replaced by the code and has been restored.\n"
    assert (after["stdout"], after["stderr"]) == ("out\n", "err\n")


def test_a_stream_the_code_closes_is_closed_for_that_call_only():
    with sidecar_streams():
        closed = run("import sys\nprint('before')\nsys.stdout.close()\nprint('after')")
        after = run("import sys\nprint('out')\nsys.stdout.closed")
    assert closed["output"]["exception"]["message"] == "I/O operation on closed file."
    assert closed["stdout"] == "before\n"
    assert closed["stderr"] == "[mcp-django] sys.stdout was closed by the code and has been reopened.\n"
    assert (after["stdout"], after["output"]["value"], after["stderr"]) == ("out\n", "False", "")


def test_closing_a_proxy_outside_a_request_leaves_the_real_stream_open():
    with sidecar_streams():
        real = sys.stdout._fallback  # type: ignore[attr-defined]
        sys.stdout.close()
        assert not sys.stdout.closed
        assert not real.closed


def test_a_stream_replaced_between_calls_is_put_back_as_the_next_call_starts():
    with sidecar_streams():
        sys.stdout = io.StringIO()
        result = run("print('captured')")
    assert result["stdout"] == "captured\n"
    assert result["stderr"] == "[mcp-django] sys.stdout was replaced outside this call and has been restored.\n"


def test_a_note_follows_output_on_a_line_of_its_own_even_when_cut():
    with sidecar_streams():
        result = run("import sys\nsys.stderr.write('e' * 2000)\nsys.stderr = None")
    assert result["stderr"].endswith(
        "[... truncated: showing 1000 of 2000 characters]\n"
        "[mcp-django] sys.stderr was replaced by the code and has been restored.\n"
    )


def test_a_collected_proxy_does_not_close_the_running_requests_stream():
    with sidecar_streams():
        stale = sys.stdout
    with sidecar_streams(), capture.capturing(100) as (stdout, _):
        del stale  # its last reference: io.IOBase would close() it now
        gc.collect()
        print("still open")
    assert stdout.getvalue() == "still open\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_captured_stream_is_no_terminal_though_the_real_one_is(monkeypatch):
    monkeypatch.setattr(sys, "stdout", _Terminal())
    with sidecar_streams():
        outside = sys.stdout.isatty()
        with capture.capturing(100):
            inside = sys.stdout.isatty()
    assert (outside, inside) == (True, False)
