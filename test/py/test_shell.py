"""The stateful shell: values, exceptions, sessions."""

from __future__ import annotations

import pytest
from conftest import sidecar_streams

from mcp_django_bun.sidecar import shell


@pytest.fixture
def session():
    name = "test/shell"
    yield name
    shell.reset(name)


def run(session: str, code: str) -> dict:
    with sidecar_streams():
        return dict(shell.execute(session, code, limit=1000, timeout=5))


def test_last_expression_gives_its_repr_and_type(session):
    result = run(session, "x = [1, 2]\nx + [3]")
    assert result["status"] == "success"
    assert result["output"] == {"value": "[1, 2, 3]", "value_type": "list"}


def test_statement_only_code_gives_no_value(session):
    assert run(session, "x = 1")["output"] == {}


def test_printed_output_is_returned_as_stdout(session):
    assert run(session, "print('hello')")["stdout"] == "hello\n"


def test_long_repr_is_capped_with_a_marker(session):
    value = run(session, "'a' * 5000")["output"]["value"]
    assert value.startswith("'aaa")
    assert "truncated: showing 1000 of 5002 characters" in value


def test_exception_gives_its_type_message_and_traceback_of_the_shell_code(session):
    result = run(session, "def f():\n    raise ValueError('bad')\nf()")
    assert result["status"] == "error"
    exception = result["output"]["exception"]
    assert exception["exc_type"] == "ValueError"
    assert exception["message"] == "bad"
    assert exception["traceback"][-2:] == ['File "<shell>", line 2, in f', "    raise ValueError('bad')"]


def test_exception_traceback_has_no_sidecar_frames(session):
    traceback = run(session, "1 / 0")["output"]["exception"]["traceback"]
    assert traceback == ['File "<shell>", line 1, in <module>', "    1 / 0"]


def test_syntax_error_points_at_the_code(session):
    exception = run(session, "x = (")["output"]["exception"]
    assert exception["exc_type"] == "SyntaxError"
    assert any("<shell>" in line for line in exception["traceback"])


def test_namespace_persists_between_runs_of_a_session(session):
    run(session, "x = 41")
    assert run(session, "x + 1")["output"]["value"] == "42"


def test_reset_empties_the_namespace(session):
    run(session, "x = 41")
    shell.reset(session)
    assert run(session, "x")["output"]["exception"]["exc_type"] == "NameError"


def test_each_connection_has_sessions_of_its_own_that_end_with_it():
    try:
        for connection in ("first", "second"):
            with shell.connection(connection):
                run("client/1", f"x = {connection!r}")
        shell.drop_connection("first")
        with shell.connection("first"):
            assert shell.sessions() == []
            assert run("client/1", "x")["output"]["exception"]["exc_type"] == "NameError"
        with shell.connection("second"):
            assert run("client/1", "x")["output"]["value"] == "'second'"
    finally:
        shell.drop_connection("first")
        shell.drop_connection("second")
