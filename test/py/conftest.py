"""The Python tests run in-process against the example project (test/example), set up once.

The sidecar package (py/ at the repository root) and the example project go on sys.path, as the
spawned sidecar has them.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import django
import pytest

ROOT = Path(__file__).resolve().parents[2]
PY_ROOT = ROOT / "py"
EXAMPLE_ROOT = ROOT / "test" / "example"
# First, ahead of any other checkout's py/ a virtualenv's .pth may name.
for entry in (EXAMPLE_ROOT, PY_ROOT):
    sys.path.insert(0, str(entry))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookshop.settings")
django.setup()

from mcp_django_bun.sidecar import capture, interrupts  # noqa: E402
from mcp_django_bun.sidecar.bootstrap import Context, Setup  # noqa: E402


@pytest.fixture
def context() -> Context:
    """A sidecar whose Django is set up, as in the spawned mode."""
    return Context("spawned", Setup(django.get_version(), None))


@contextlib.contextmanager
def sidecar_streams() -> Iterator[None]:
    """The sidecar's capturing sys.stdout/sys.stderr, for a block of a test; its stand-ins for
    sys.stdin and getpass (``stdin.closed``), once installed, go too.

    Not a fixture: pytest puts its own streams back as each phase of a test starts.
    """
    saved = sys.stdout, sys.stderr, sys.stdin, getpass.getpass
    capture.install()
    try:
        yield
    finally:
        sys.stdout, sys.stderr, sys.stdin, getpass.getpass = saved


@pytest.fixture
def sigint_handler() -> Iterator[None]:
    """The sidecar's SIGINT handler on this (the main) thread, put back after the test."""
    previous = signal.getsignal(signal.SIGINT)
    interrupts.install_signal_handler()
    yield
    signal.signal(signal.SIGINT, previous)
