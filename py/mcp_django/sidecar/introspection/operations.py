"""The sidecar operations of this package: name → handler(args) → dict.

Handlers import their modules when called: the server imports this file before Django is set
up, and also when Django is missing.
"""

from __future__ import annotations

import functools
import gc
from typing import Any, Callable

Operation = Callable[[dict[str, Any]], dict[str, Any]]


def _without_collection(operation: Operation) -> Operation:
    """Pauses the garbage collector while the operation runs.

    Its payload is large, acyclic and short-lived: a full collection triggered halfway would
    walk the project's whole heap (Django's object graph) and cost more than the call.
    """

    @functools.wraps(operation)
    def run(args: dict[str, Any]) -> dict[str, Any]:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return operation(args)
        finally:
            if was_enabled:
                gc.enable()

    return run


def _text(args: dict[str, Any], key: str) -> str:
    value = args.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key} must be a non-empty string")
    return value


def _optional_text(args: dict[str, Any], key: str) -> str | None:
    value = args.get(key)
    return value if isinstance(value, str) and value else None


def _project(args: dict[str, Any]) -> dict[str, Any]:
    from .project import describe_project

    return describe_project()


def _apps(args: dict[str, Any]) -> dict[str, Any]:
    from .apps import list_apps

    return {"apps": list_apps()}


def _app(args: dict[str, Any]) -> dict[str, Any]:
    from .apps import app_detail

    return app_detail(_text(args, "app_label"))


def _models(args: dict[str, Any]) -> dict[str, Any]:
    from .models import list_models

    return {"models": list_models()}


def _model(args: dict[str, Any]) -> dict[str, Any]:
    from .apps import get_app_config
    from .models import model_detail

    return model_detail(get_app_config(_text(args, "app_label")), _text(args, "model_name"))


def _routes(args: dict[str, Any]) -> dict[str, Any]:
    from .routes import list_routes

    return list_routes(
        method=_optional_text(args, "method"),
        name=_optional_text(args, "name"),
        pattern=_optional_text(args, "pattern"),
    )


OPERATIONS: dict[str, Operation] = {
    "introspect.project": _project,
    "introspect.apps": _apps,
    "introspect.app": _app,
    "introspect.models": _without_collection(_models),
    "introspect.model": _model,
    "routes.list": _without_collection(_routes),
}
