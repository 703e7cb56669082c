"""Per-request capture of sys.stdout and sys.stderr."""

from __future__ import annotations

import sys
import threading

from conftest import sidecar_streams

from mcp_django.sidecar import capture


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
