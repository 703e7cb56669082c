"""From an op name and its arguments to a result, or to the error object of the contract.

``call()`` finds the op in the contract, refuses it when it needs Django and Django could not be
set up, checks the arguments against the op's TypedDict and runs its handler. ``error_object()``
is the one place where an exception becomes the ``error`` of a failed answer.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Mapping
from typing import Any, Union, get_args, get_origin, get_type_hints

from . import contract
from .bootstrap import Context
from .contract import ErrorObject, OpSpec
from .errors import InvalidArguments, SetupFailed, SidecarError, UnknownOperation, describe_exception
from .ops import commands, introspection, lookups, probe, secrets, shell

Handler = Callable[[Any, Context], Mapping[str, Any]]

HANDLERS: dict[str, Handler] = {
    contract.SHELL_EXECUTE: shell.execute,
    contract.SHELL_RESET: shell.reset,
    contract.INTROSPECT_PROJECT: introspection.project,
    contract.INTROSPECT_APPS: introspection.apps,
    contract.INTROSPECT_APP: introspection.app,
    contract.INTROSPECT_MODELS: introspection.models,
    contract.INTROSPECT_MODEL: introspection.model,
    contract.ROUTES_LIST: introspection.routes,
    contract.MIGRATIONS_STATUS: lookups.migrations_status,
    contract.MIGRATIONS_SQL: lookups.migrations_sql,
    contract.CHECKS_RUN: lookups.checks_run,
    contract.SETTINGS_LIST: lookups.settings_list,
    contract.SETTINGS_GET: lookups.settings_get,
    contract.URLS_RESOLVE: lookups.urls_resolve,
    contract.URLS_REVERSE: lookups.urls_reverse,
    contract.TEMPLATES_FIND: lookups.templates_find,
    contract.TEMPLATES_LIST: lookups.templates_list,
    contract.COMMANDS_LIST: commands.list_commands,
    contract.COMMANDS_HELP: commands.command_help,
    contract.COMMANDS_RUN: commands.run_command,
    contract.REQUEST_PROBE: probe.request_probe,
    contract.LOGS_LIST: probe.logs_list,
    contract.ERRORS_LAST: probe.errors_last,
    contract.SECRETS_VALUES: secrets.secret_values,
}


def call(op: object, args: object, context: Context) -> Mapping[str, Any]:
    """Run ``op``; raises a ``SidecarError`` for what the contract names, anything else as it came."""
    spec = contract.OPS.get(op) if isinstance(op, str) else None
    if spec is None:
        raise UnknownOperation(f"unknown operation {op!r}")
    if spec.needs_django and context.setup.error is not None:
        raise SetupFailed(context.setup.error)
    return HANDLERS[str(op)](check_args(spec, args), context)


def error_object(exc: BaseException) -> ErrorObject:
    if isinstance(exc, SidecarError):
        return {"kind": exc.kind, "message": str(exc), "exc_type": exc.exc_type, "traceback": exc.traceback}
    return {"kind": "failed", **describe_exception(exc)}


def check_args(spec: OpSpec, args: object) -> dict[str, Any]:
    """``args`` if it has the op's shape: its required keys, no others, each of its type."""
    if not isinstance(args, dict):
        raise InvalidArguments(f"args must be a map, not {type(args).__name__}")
    checks = _arg_checks(spec)
    unknown = sorted(str(key) for key in args if key not in checks)
    if unknown:
        raise InvalidArguments(f"unknown argument(s): {', '.join(unknown)}")
    missing = sorted(key for key in spec.args.__required_keys__ if key not in args)
    if missing:
        raise InvalidArguments(f"missing argument(s): {', '.join(missing)}")
    for key, value in args.items():
        matches, expected = checks[key]
        if not matches(value):
            raise InvalidArguments(f"{key} must be {expected}, not {type(value).__name__}")
    return args


@functools.cache
def _arg_checks(spec: OpSpec) -> dict[str, tuple[Callable[[object], bool], str]]:
    """Per argument, a check of its value and the type's name: made once per op, as reading
    the type hints on every call cost about an eighth of a shell call's time in the sidecar."""
    return {key: (_check_for(expected), _type_name(expected)) for key, expected in get_type_hints(spec.args).items()}


def _check_for(expected: Any) -> Callable[[object], bool]:
    """A check that a value is of an argument type of the contract: str, int, float, bool, None,
    list, dict, or a union of them (containers are not checked item by item)."""
    origin = get_origin(expected)
    if origin in (Union, types.UnionType):
        options = [_check_for(option) for option in get_args(expected)]
        return lambda value: any(check(value) for check in options)
    expected = origin or expected
    if expected is type(None):
        return lambda value: value is None
    if expected is float:  # a JavaScript number with no fraction travels as a MessagePack int
        return lambda value: isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if expected in (str, bool, list, dict):
        kind = expected
        return lambda value: isinstance(value, kind)
    raise TypeError(f"the contract uses an argument type dispatch does not check: {expected!r}")


def _type_name(expected: Any) -> str:
    if get_origin(expected) in (Union, types.UnionType):
        return " or ".join(_type_name(option) for option in get_args(expected))
    expected = get_origin(expected) or expected
    return "None" if expected is type(None) else expected.__name__
