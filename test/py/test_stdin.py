"""A call without a terminal: stdin at end of file and no password prompt, for that call only."""

from __future__ import annotations

import getpass
import io
import sys
import threading

import pytest
from conftest import sidecar_streams

from mcp_django_bun.sidecar import stdin


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def real_stdin(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """What stdin holds outside a call: a line to read, from a terminal."""
    real = _Terminal("typed by a person\n")
    monkeypatch.setattr(sys, "stdin", real)
    return real


@pytest.mark.usefixtures("real_stdin")
def test_input_gets_end_of_file_in_a_closed_block():
    with sidecar_streams(), stdin.closed(), pytest.raises(EOFError):
        input()


@pytest.mark.usefixtures("real_stdin")
def test_reading_in_a_closed_block_is_noted():
    with sidecar_streams(), stdin.closed() as prompted:
        assert sys.stdin.readline() == ""
    assert (prompted.read, prompted.probed, prompted.wanted_input) == (True, False, True)


@pytest.mark.usefixtures("real_stdin")
def test_stdin_is_no_terminal_in_a_closed_block_and_asking_is_noted():
    with sidecar_streams(), stdin.closed() as prompted:
        assert sys.stdin.isatty() is False
    assert (prompted.read, prompted.probed) == (False, True)


@pytest.mark.usefixtures("real_stdin")
def test_a_block_that_leaves_stdin_alone_is_noted_as_not_wanting_input():
    with sidecar_streams(), stdin.closed() as prompted:
        pass
    assert prompted.wanted_input is False


def test_getpass_writes_its_prompt_and_raises_end_of_file():
    prompt = io.StringIO()
    with sidecar_streams(), stdin.closed() as prompted, pytest.raises(EOFError):
        getpass.getpass("Secret: ", prompt)
    assert (prompt.getvalue(), prompted.read) == ("Secret: ", True)


@pytest.mark.usefixtures("real_stdin")
def test_outside_a_closed_block_stdin_is_the_real_one():
    with sidecar_streams():
        with stdin.closed():
            pass
        assert (sys.stdin.isatty(), sys.stdin.readline()) == (True, "typed by a person\n")


def test_outside_a_closed_block_getpass_is_the_real_one(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(stdin, "_real_getpass", lambda prompt="Password: ", stream=None: "hunter2")
    with sidecar_streams():
        with stdin.closed():
            pass
        assert getpass.getpass() == "hunter2"


@pytest.mark.usefixtures("real_stdin")
def test_other_threads_keep_the_real_stdin_during_a_closed_block():
    read: list[str] = []
    with sidecar_streams(), stdin.closed():
        thread = threading.Thread(target=lambda: read.append(sys.stdin.readline()))
        thread.start()
        thread.join()
    assert read == ["typed by a person\n"]


@pytest.mark.usefixtures("real_stdin")
def test_closing_stdin_in_a_closed_block_leaves_the_real_one_open(real_stdin: io.StringIO):
    with sidecar_streams(), stdin.closed():
        sys.stdin.close()
    assert real_stdin.closed is False
