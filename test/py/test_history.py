"""What a run records for the session's history, and restoring a session in a new namespace."""

from __future__ import annotations

import threading

import pytest
from conftest import sidecar_streams

from mcp_django_bun.sidecar import history, interrupts, shell
from mcp_django_bun.sidecar.errors import StateMissing


def record_of(code: str, namespace: dict | None = None) -> list[tuple[str, str, list[str]]]:
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    before = history.snapshot(namespace)
    exec(code, namespace)
    recorded = history.record(code, before, namespace)
    return [(statement["kind"], statement["source"], statement["names"]) for statement in recorded["statements"]]


@pytest.fixture
def session():
    name = "test/history"
    yield name
    shell.reset(name)


def run(session: str, code: str, **options) -> dict:
    with sidecar_streams():
        return dict(shell.execute(session, code, limit=1000, timeout=5, **options))


def test_imports_and_definitions_are_restorable_kinds_and_assignments_are_not():
    assert record_of("import os\nfrom os import path as p\nx = 5\ndef f():\n    return x\nclass K:\n    pass") == [
        ("import", "import os", ["os"]),
        ("import", "from os import path as p", ["p"]),
        ("other", "x = 5", ["x"]),
        ("definition", "def f():\n    return x", ["f"]),
        ("definition", "class K:\n    pass", ["K"]),
    ]


def test_a_decorated_definition_keeps_its_decorators():
    assert record_of("import functools\n@functools.cache\ndef f():\n    return 1")[1] == (
        "definition",
        "@functools.cache\ndef f():\n    return 1",
        ["f"],
    )


def test_a_dotted_import_binds_its_top_package():
    assert record_of("import os.path") == [("import", "import os.path", ["os"])]


def test_statements_on_one_line_are_recorded_apart():
    assert record_of("import os; y = 2") == [("import", "import os", ["os"]), ("other", "y = 2", ["y"])]


def test_a_name_bound_twice_belongs_to_the_last_statement_that_bound_it():
    assert record_of("def g():\n    pass\ng = 3") == [
        ("definition", "def g():\n    pass", []),
        ("other", "g = 3", ["g"]),
    ]


def test_loop_and_with_targets_are_names_of_their_statement():
    recorded = record_of(
        "for i in range(2):\n    j = i\nimport contextlib\nwith contextlib.nullcontext(1) as k:\n    pass"
    )
    assert recorded[0] == ("other", "for i in range(2):\n    j = i", ["i", "j"])
    assert recorded[2][2] == ["k"]


def test_a_comprehension_variable_is_not_the_sessions_but_a_walrus_in_it_is():
    recorded = record_of("from os import sep\nparts = [sep for sep in 'ab' if (last := sep)]")
    assert recorded == [
        ("import", "from os import sep", ["sep"]),
        ("other", "parts = [sep for sep in 'ab' if (last := sep)]", ["last", "parts"]),
    ]


def test_a_decorated_definition_after_a_form_feed_is_recorded_whole():
    assert record_of("x = 1  # \x0c\nimport functools\n@functools.cache\ndef f():\n    return 1")[2] == (
        "definition",
        "@functools.cache\ndef f():\n    return 1",
        ["f"],
    )


def test_a_deeply_nested_expression_is_recorded_without_recursion():
    code = "total = " + " + ".join(["1"] * 2000)
    assert record_of(code) == [("other", code, ["total"])]


def test_names_bound_inside_a_function_are_not_the_sessions():
    assert record_of("def f():\n    local = 1\n    return local") == [
        ("definition", "def f():\n    local = 1\n    return local", ["f"])
    ]


def test_a_name_set_through_globals_goes_to_the_statement_that_is_not_restored():
    assert record_of("import os\nglobals()['sneaky'] = 1") == [
        ("import", "import os", ["os"]),
        ("other", "globals()['sneaky'] = 1", ["sneaky"]),
    ]


def test_a_name_already_bound_to_the_same_object_is_not_recorded_again():
    namespace = {"__name__": "__main__"}
    exec("import os", namespace)
    assert record_of("import os", namespace) == [("import", "import os", [])]


def test_deleted_names_are_recorded():
    namespace = {"__name__": "__main__", "gone": 1}
    before = history.snapshot(namespace)
    exec("del gone", namespace)
    assert history.record("del gone", before, namespace)["deleted"] == ["gone"]


def test_code_that_does_not_parse_is_one_statement_that_bound_nothing():
    assert history.record("x = (", {}, {})["statements"] == [{"kind": "other", "source": "x = (", "names": []}]


def test_a_run_returns_its_record(session):
    result = run(session, "import os\nz = 1")
    assert result["record"]["statements"][1] == {"kind": "other", "source": "z = 1", "names": ["z"]}


def test_a_failed_run_still_records_what_it_bound(session):
    result = run(session, "import os\n1 / 0")
    assert result["status"] == "error"
    assert result["record"]["statements"][0]["names"] == ["os"]


def test_a_session_with_state_new_to_this_sidecar_is_refused_as_missing(session):
    with pytest.raises(StateMissing):
        run(session, "1", has_state=True)


def test_a_session_known_here_runs_even_when_the_caller_expects_state(session):
    run(session, "a = 1")
    assert run(session, "a", has_state=True)["output"]["value"] == "1"


def test_restore_runs_before_the_code_in_a_new_namespace(session):
    steps = [{"step": 1, "source": "import os"}, {"step": 2, "source": "def f():\n    return os.sep"}]
    result = run(session, "f()", restore=steps)
    assert result["output"]["value"] == repr(__import__("os").sep)
    assert result["restore_failures"] == []


def test_a_failing_restore_step_is_reported_and_the_rest_still_runs(session):
    steps = [{"step": 1, "source": "from os import no_such_name"}, {"step": 2, "source": "import os"}]
    result = run(session, "os.sep", restore=steps)
    assert result["status"] == "success"
    [failure] = result["restore_failures"]
    assert (failure["step"], failure["source"]) == (1, "from os import no_such_name")
    assert failure["error"].startswith("ImportError: cannot import name 'no_such_name'")


def test_a_restore_step_that_exits_fails_alone(session):
    result = run(
        session, "os.sep", restore=[{"step": 1, "source": "raise SystemExit(2)"}, {"step": 2, "source": "import os"}]
    )
    assert result["status"] == "success"
    assert [failure["error"] for failure in result["restore_failures"]] == ["SystemExit: 2"]


def test_what_restoring_prints_is_not_the_calls_output(session):
    result = run(session, "print('mine')", restore=[{"step": 1, "source": "print('restoring')"}])
    assert result["stdout"] == "mine\n"


def test_restore_is_skipped_where_the_session_already_has_a_namespace(session):
    run(session, "a = 1")
    result = run(session, "a", restore=[{"step": 1, "source": "a = 2"}])
    assert result["output"]["value"] == "1"
    assert "restore_failures" not in result


def test_restored_names_are_not_recorded_as_bound_by_the_code(session):
    result = run(session, "b = 1", restore=[{"step": 1, "source": "import os"}])
    assert [statement["names"] for statement in result["record"]["statements"]] == [["b"]]


@pytest.mark.usefixtures("sigint_handler")
def test_a_restore_interrupted_by_the_timeout_leaves_no_state_to_half_restore(session):
    busy = "import time\nstarted = time.monotonic()\nwhile time.monotonic() - started < 10:\n    pass"
    steps = [{"step": 1, "source": "import os"}, {"step": 2, "source": busy}]
    with sidecar_streams(), interrupts.interruptible("restore-test"):
        threading.Timer(0.2, interrupts.request_interrupt, args=("restore-test", "timeout")).start()
        result = dict(shell.execute(session, "1", limit=1000, timeout=5, restore=steps))
    assert result["output"]["exception"]["exc_type"] == "TimeoutError"
    assert "Interrupted while restoring" in result["output"]["exception"]["message"]
    assert result["record"] == {"statements": [], "deleted": []}
    with pytest.raises(StateMissing):
        run(session, "os", has_state=True)
