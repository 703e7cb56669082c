"""dispatch.call and dispatch.error_object: from an op request to a result or an error object."""

from __future__ import annotations

from typing import Any, get_type_hints

import pytest

from mcp_django_bun.sidecar import contract, dispatch
from mcp_django_bun.sidecar.bootstrap import Context, Setup
from mcp_django_bun.sidecar.errors import SidecarError

SETUP_FAILURE: contract.SetupError = {
    "kind": "setup_failed",
    "exc_type": "ImproperlyConfigured",
    "message": "settings are broken",
    "traceback": ['File "settings.py", line 1, in <module>'],
}

# Arguments each op answers with a result in the example project.
SAMPLE_ARGS: dict[str, dict[str, Any]] = {
    contract.SHELL_EXECUTE: {"session": "test/contract", "code": "1 + 1", "timeout": 5},
    contract.SHELL_RESET: {"session": "test/contract"},
    contract.INTROSPECT_PROJECT: {},
    contract.INTROSPECT_APPS: {},
    contract.INTROSPECT_APP: {"app_label": "catalog"},
    contract.INTROSPECT_MODELS: {},
    contract.INTROSPECT_MODEL: {"app_label": "catalog", "model_name": "book"},
    contract.ROUTES_LIST: {"name": "home"},
    contract.MIGRATIONS_STATUS: {"app_label": "catalog"},
    contract.MIGRATIONS_SQL: {"app_label": "catalog", "migration_name": "0001"},
    contract.CHECKS_RUN: {},
    contract.SETTINGS_LIST: {},
    contract.SETTINGS_GET: {"name": "DEBUG"},
    contract.URLS_RESOLVE: {"path": "/catalog/books/3/"},
    contract.URLS_REVERSE: {"name": "catalog:book-detail", "kwargs": {"pk": 3}},
    contract.TEMPLATES_FIND: {"name": "catalog/book_detail.html"},
    contract.TEMPLATES_LIST: {"prefix": "catalog/"},
    contract.COMMANDS_LIST: {},
    contract.COMMANDS_HELP: {"name": "seed_catalog"},
    contract.COMMANDS_RUN: {"name": "showmigrations", "args": ["catalog"], "timeout": 5},
    contract.REQUEST_PROBE: {"method": "GET", "path": "/health/", "timeout": 5},
    contract.LOGS_LIST: {"level": "ERROR"},
    contract.ERRORS_LAST: {},
    contract.SECRETS_VALUES: {},
}


def error_of(op: object, args: object, context: Context) -> contract.ErrorObject:
    with pytest.raises(BaseException) as raised:
        dispatch.call(op, args, context)
    return dispatch.error_object(raised.value)


@pytest.mark.parametrize("op", sorted(contract.OPS))
def test_result_has_the_keys_of_the_op_result_shape(op, context):
    result = dispatch.call(op, SAMPLE_ARGS[op], context)
    shape = contract.OPS[op].result
    assert shape.__required_keys__ <= set(result) <= set(get_type_hints(shape))


def test_unknown_op_is_unknown_op(context):
    error = error_of("shell.nope", {}, context)
    assert error["kind"] == "unknown_op"
    assert "shell.nope" in error["message"]


def test_missing_argument_is_invalid_args_naming_it(context):
    error = error_of(contract.SHELL_EXECUTE, {"session": "s", "timeout": 1}, context)
    assert error["kind"] == "invalid_args"
    assert "code" in error["message"]


def test_unknown_argument_is_invalid_args_naming_it(context):
    error = error_of(contract.INTROSPECT_APPS, {"verbose": True}, context)
    assert error["kind"] == "invalid_args"
    assert "verbose" in error["message"]


def test_argument_of_the_wrong_type_is_invalid_args(context):
    error = error_of(contract.INTROSPECT_APP, {"app_label": 3}, context)
    assert error == {
        "kind": "invalid_args",
        "message": "app_label must be str, not int",
        "exc_type": None,
        "traceback": [],
    }


def test_args_that_are_not_a_map_are_invalid_args(context):
    assert error_of(contract.INTROSPECT_APPS, None, context)["kind"] == "invalid_args"


def test_bool_is_not_an_int(context):
    args = {"session": "s", "code": "1", "timeout": 1, "limit": True}
    assert error_of(contract.SHELL_EXECUTE, args, context)["kind"] == "invalid_args"


def test_int_is_accepted_where_a_float_is_expected():
    spec = contract.OPS[contract.SHELL_EXECUTE]
    assert dispatch.check_args(spec, {"session": "s", "code": "1", "timeout": 30})["timeout"] == 30


def test_optional_argument_may_be_none_when_its_type_allows_it():
    spec = contract.OPS[contract.ROUTES_LIST]
    assert dispatch.check_args(spec, {"method": None, "name": "home"}) == {"method": None, "name": "home"}


def test_missing_app_is_not_found_listing_the_installed_labels(context):
    error = error_of(contract.INTROSPECT_APP, {"app_label": "nope"}, context)
    assert error["kind"] == "not_found"
    assert "catalog" in error["message"]
    assert error["exc_type"] is None


def test_missing_model_is_not_found_listing_the_app_models(context):
    error = error_of(contract.INTROSPECT_MODEL, {"app_label": "catalog", "model_name": "nope"}, context)
    assert error["kind"] == "not_found"
    assert "Book" in error["message"]


def raise_value_error(args: object, context: Context) -> dict[str, Any]:
    raise ValueError("broken handler")


def test_exception_from_a_handler_is_failed_with_its_type_and_traceback(context, monkeypatch):
    monkeypatch.setitem(dispatch.HANDLERS, contract.INTROSPECT_APPS, raise_value_error)
    error = error_of(contract.INTROSPECT_APPS, {}, context)
    assert error["kind"] == "failed"
    assert error["exc_type"] == "ValueError"
    assert error["message"] == "broken handler"
    assert any("raise_value_error" in line for line in error["traceback"])


def test_traceback_of_a_failure_leaves_the_sidecar_frames_out(context, monkeypatch):
    monkeypatch.setitem(dispatch.HANDLERS, contract.INTROSPECT_APPS, raise_value_error)
    error = error_of(contract.INTROSPECT_APPS, {}, context)
    assert not any("mcp_django_bun" in line for line in error["traceback"])


def test_op_needing_django_is_setup_failed_with_the_setup_error_when_setup_failed():
    context = Context("spawned", Setup("5.2", SETUP_FAILURE))
    error = error_of(contract.INTROSPECT_APPS, {}, context)
    assert error == {
        "kind": "setup_failed",
        "message": "settings are broken",
        "exc_type": "ImproperlyConfigured",
        "traceback": SETUP_FAILURE["traceback"],
    }


def test_op_needing_no_django_answers_when_setup_failed():
    context = Context("spawned", Setup(None, SETUP_FAILURE))
    assert dispatch.call(contract.SHELL_RESET, {"session": "s"}, context) == {}


def test_project_reports_the_mode_from_the_context():
    context = Context("attached", Setup("5.2", None))
    assert dispatch.call(contract.INTROSPECT_PROJECT, {}, context)["mcp"]["mode"] == "attached"


def test_sidecar_error_keeps_its_kind_and_message():
    class Gone(SidecarError):
        kind = "not_found"

    assert dispatch.error_object(Gone("no such thing")) == {
        "kind": "not_found",
        "message": "no such thing",
        "exc_type": None,
        "traceback": [],
    }
