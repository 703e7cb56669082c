"""``introspect.*`` and ``routes.list``.

Handlers import the introspection modules when called: ``dispatch`` imports this file before
Django is set up, and also where Django is missing.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import TypeVar

from ..bootstrap import Context
from ..contract import (
    AppArgs,
    AppResult,
    AppsResult,
    ModelArgs,
    ModelResult,
    ModelsResult,
    NoArgs,
    ProjectResult,
    RoutesArgs,
    RoutesResult,
)

Args = TypeVar("Args")
Result = TypeVar("Result")


def _without_collection(handler: Callable[[Args, Context], Result]) -> Callable[[Args, Context], Result]:
    """Pauses the garbage collector while the handler runs.

    Its payload is large, acyclic and short-lived: a full collection triggered halfway would
    walk the project's whole heap (Django's object graph) and cost more than the call.
    """

    @functools.wraps(handler)
    def run(args: Args, context: Context) -> Result:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return handler(args, context)
        finally:
            if was_enabled:
                gc.enable()

    return run


def project(args: NoArgs, context: Context) -> ProjectResult:
    from .. import readonly_db
    from ..introspection.project import describe_project

    result = describe_project(context.mode)
    read_only = readonly_db.current()
    if read_only is not None:
        result["read_only"] = read_only
    return result


def apps(args: NoArgs, context: Context) -> AppsResult:
    from ..introspection.apps import list_apps

    return {"apps": list_apps()}


def app(args: AppArgs, context: Context) -> AppResult:
    from ..introspection.apps import app_detail

    return app_detail(args["app_label"])


@_without_collection
def models(args: NoArgs, context: Context) -> ModelsResult:
    from ..introspection.models import list_models

    return {"models": list_models()}


def model(args: ModelArgs, context: Context) -> ModelResult:
    from ..introspection.apps import get_app_config
    from ..introspection.models import model_detail

    return model_detail(get_app_config(args["app_label"]), args["model_name"])


@_without_collection
def routes(args: RoutesArgs, context: Context) -> RoutesResult:
    from ..introspection.routes import list_routes

    return list_routes(method=args.get("method"), name=args.get("name"), pattern=args.get("pattern"))
