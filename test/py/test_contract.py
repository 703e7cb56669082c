"""The contract table, its JSON description, and dispatch's handlers agreeing with it."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import PY_ROOT

from mcp_django_bun.sidecar import contract, dispatch, errors


def test_json_lists_every_op_with_its_argument_keys_result_keys_errors_and_needs_django():
    ops = contract.describe()["ops"]
    assert ops[contract.SHELL_EXECUTE] == {
        "args": {"required": ["code", "session", "timeout"], "optional": ["has_state", "limit", "restore"]},
        "result": ["output", "read_only", "record", "restore_failures", "status", "stderr", "stdout"],
        "errors": ["failed", "invalid_args", "setup_failed", "state_missing", "unsendable"],
        "needs_django": True,
    }
    assert ops[contract.SHELL_RESET]["needs_django"] is False
    assert ops[contract.ROUTES_LIST]["args"] == {"required": [], "optional": ["method", "name", "pattern"]}
    assert ops[contract.INTROSPECT_MODEL]["errors"] == sorted(
        ["invalid_args", "not_found", "setup_failed", "failed", "unsendable"]
    )
    assert set(ops) == set(contract.OPS)


def test_json_carries_the_protocol_and_the_vocabularies():
    described = contract.describe()
    assert described["protocol"] == contract.PROTOCOL_VERSION == 4
    assert described["result_json_key"] == "result_json"
    assert described["error_kinds"] == [
        "unknown_op",
        "invalid_args",
        "not_found",
        "setup_failed",
        "failed",
        "unsendable",
        "state_missing",
    ]
    assert described["event_kinds"] == ["started"]
    assert described["cancel_reasons"] == ["timeout", "cancelled"]
    assert described["modes"] == ["spawned", "attached", "command"]
    assert described["session_separator"] == "/"
    assert described["http_methods"] == ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]


def test_every_op_errors_are_error_kinds_and_never_unknown_op():
    for spec in contract.OPS.values():
        assert set(spec.errors) <= set(contract.ERROR_KINDS) - {"unknown_op"}


def test_module_run_prints_the_description_without_importing_django():
    script = (
        "import runpy, sys; runpy.run_module('mcp_django_bun.sidecar.contract', run_name='__main__'); "
        "sys.stderr.write(str('django' in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=PY_ROOT, capture_output=True, text=True, check=True, timeout=30
    )
    assert json.loads(run.stdout) == contract.describe()
    assert run.stderr == "False"


def test_dispatch_has_a_handler_for_every_op_and_no_other():
    assert set(dispatch.HANDLERS) == set(contract.OPS)


def test_every_error_kind_but_failed_has_a_sidecar_error():
    kinds = {cls.kind for cls in errors.SidecarError.__subclasses__()}
    assert kinds == set(contract.ERROR_KINDS) - {"failed"}
