"""``list_routes``: every URL pattern of the project, depth-first in URLconf order.

``path()`` routes are joined as written; regex pieces lose their ``^`` and ``$`` anchors, which
mean nothing once joined. A nested ``include()`` without a namespace keeps its parent's.

HTTP methods of a view (an empty list means unknown):

- Function views: the lists of Django's ``require_http_methods`` family (``require_GET``,
  ``require_POST``, ``require_safe``…), read from the closures of every layer of decorators, so
  ``cache_page(60)(require_GET(view))`` still says ``["GET"]``. Several lists intersect.
- Class views: the handlers the class has that are in its ``http_method_names``. HEAD counts
  when the class has ``get`` but no ``head``, because ``View.setup()`` then answers HEAD with
  ``get``; that is what a client sees, and DRF viewsets do the same with their actions.
  Method decorators on the ``as_view()`` function or on ``dispatch`` narrow the list further.
- DRF viewsets: the route's ``actions`` mapping (``{"get": "list"}``) stands for the handlers.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.views.decorators import http as http_decorators

from ..contract import HTTP_METHODS, RoutesResult
from .source import class_line, class_names, function_line, source_file

# Closures of functions from this file hold the `request_method_list` the decorators check.
_HTTP_DECORATORS_FILE = http_decorators.require_http_methods.__code__.co_filename

# Decorator chains are short; this only stops a __wrapped__ chain that never ends.
_MAX_LAYERS = 64

# (full pattern, namespace, parameters, the URLPattern itself)
Route = tuple[str, str | None, tuple[str, ...], URLPattern]


def list_routes(method: str | None = None, name: str | None = None, pattern: str | None = None) -> RoutesResult:
    """The project's routes that pass every filter given (a falsy filter is no filter)."""
    routes = []
    total = 0
    for full_pattern, namespace, parameters, entry in walk(get_resolver().url_patterns):
        total += 1
        if name and (entry.name is None or name not in entry.name):
            continue
        if pattern and pattern not in full_pattern:
            continue
        view = describe_view(entry.callback)
        # Unknown methods (an empty list) match any method filter.
        if method and view["methods"] and method.upper() not in view["methods"]:
            continue
        routes.append(
            {
                "pattern": full_pattern,
                "name": entry.name,
                "namespace": namespace,
                "parameters": list(parameters),
                "view": view,
            }
        )
    return {"routes": routes, "count": len(routes), "total": total}


def walk(
    patterns: list[URLPattern | URLResolver],
    prefix: str = "",
    namespace: str | None = None,
    parameters: tuple[str, ...] = (),
) -> Iterator[Route]:
    """Every route under ``patterns``, depth-first in URLconf order."""
    for entry in patterns:
        full_pattern = prefix + pattern_text(entry.pattern)
        all_parameters = parameters + pattern_parameters(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(
                entry.url_patterns, full_pattern, join_namespace(namespace, entry.namespace), all_parameters
            )
        elif isinstance(entry, URLPattern):
            yield full_pattern, namespace, all_parameters, entry


def pattern_text(pattern: object) -> str:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.removeprefix("^")
        if text.endswith("\\Z"):
            text = text[:-2]
        elif text.endswith("$") and not text.endswith("\\$"):
            text = text[:-1]
    return text


def pattern_parameters(pattern: object) -> tuple[str, ...]:
    """Parameter names in order: a path()'s converters, a regex's named groups."""
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    if isinstance(pattern, RegexPattern):
        groups = pattern.regex.groupindex
        return tuple(sorted(groups, key=groups.__getitem__))
    return ()


def join_namespace(parent: str | None, child: str | None) -> str | None:
    if not child:
        return parent
    return f"{parent}:{child}" if parent else child


def describe_view(callback: Callable[..., Any]) -> dict[str, Any]:
    """A route's view. One that can't be taken apart is reported by name, never raised."""
    try:
        return _describe_view(callback)
    except Exception:
        return _view(_qualified_name(callback), "unknown", None, None, [])


def _describe_view(callback: Callable[..., Any]) -> dict[str, Any]:
    layers = _unwrap(callback)
    inner = layers[-1]
    view_class = _view_class(inner)
    if view_class is not None:
        dispatch = getattr(view_class, "dispatch", None)
        allowed = _allowed_methods(layers + (_unwrap(dispatch) if dispatch else []))
        actions = getattr(inner, "actions", None)
        actions = actions if isinstance(actions, dict) else None
        return _class_view(view_class, _handler_methods(view_class, actions, allowed), actions)
    if inspect.ismethod(inner):
        # A bound method (the admin's views): its own decorators count too.
        function_layers = _unwrap(inner.__func__)
        layers += function_layers
        if inspect.isfunction(function_layers[-1]):
            return _function_view(function_layers[-1], "method", _allowed_methods(layers) or [])
    methods = _allowed_methods(layers) or []
    if inspect.isfunction(inner):
        return _function_view(inner, "function", methods)
    if isinstance(inner, type):
        return _class_view(inner, methods, None)
    if inspect.isroutine(inner):  # a builtin or C function: no Python source
        return _view(_qualified_name(inner), "function", None, None, methods)
    # A callable instance: the code is in its class.
    view = _class_view(type(inner), methods, None)
    view["type"] = "instance"
    return view


def _unwrap(view: object) -> list[object]:
    """The view, then what each decorator or partial wraps, outermost first.

    Stops at an ``as_view()`` function, whose ``__wrapped__`` (copied from the class's
    ``dispatch``) leads away from the class, and at a bound method.
    """
    layers = [view]
    while len(layers) < _MAX_LAYERS and _view_class(view) is None and not inspect.ismethod(view):
        inner = view.func if isinstance(view, functools.partial) else getattr(view, "__wrapped__", None)
        if inner is None or any(inner is layer for layer in layers):
            break
        layers.append(inner)
        view = inner
    return layers


def _view_class(view: object) -> type | None:
    """The class behind an ``as_view()`` function: Django sets ``view_class``, DRF ``cls``."""
    if not inspect.isfunction(view):
        return None
    for attribute in ("view_class", "cls"):
        candidate = getattr(view, attribute, None)
        if isinstance(candidate, type):
            return candidate
    return None


def _allowed_methods(layers: list[object]) -> list[str] | None:
    """What Django's method decorators on these layers let through; None if there are none."""
    allowed: list[str] | None = None
    for layer in layers:
        for methods in _decorator_method_lists(layer):
            allowed = methods if allowed is None else [method for method in allowed if method in methods]
    return allowed


def _decorator_method_lists(layer: object) -> Iterator[list[str]]:
    """``request_method_list`` of Django's decorators in this layer's closure.

    One level down too: ``method_decorator`` keeps the decorators it applies on each call
    in its closure, unapplied.
    """
    closure = _closure_values(layer)
    candidates = [layer]
    for value in closure.values():
        candidates.extend(value if isinstance(value, (list, tuple)) else [value])
    for candidate in candidates:
        if inspect.isfunction(candidate) and candidate.__code__.co_filename == _HTTP_DECORATORS_FILE:
            methods = _closure_values(candidate).get("request_method_list")
            if isinstance(methods, (list, tuple, set, frozenset)):
                yield [str(method).upper() for method in methods]


def _closure_values(function: object) -> dict[str, object]:
    if not inspect.isfunction(function) or not function.__closure__:
        return {}
    values = {}
    for name, cell in zip(function.__code__.co_freevars, function.__closure__, strict=True):
        try:
            values[name] = cell.cell_contents
        except ValueError:  # a cell not filled yet
            continue
    return values


def _handler_methods(view_class: type, actions: dict[str, str] | None, allowed: list[str] | None) -> list[str]:
    """The methods a class view answers: its handlers (or a viewset's actions) in http_method_names."""
    names = [str(name).lower() for name in getattr(view_class, "http_method_names", ())]
    handlers = {name for name in names if hasattr(view_class, name) or (actions is not None and name in actions)}
    if "get" in handlers and "head" in names:
        handlers.add("head")
    methods = [name.upper() for name in handlers]
    if allowed is not None:
        methods = [method for method in methods if method in allowed]
    return methods


def _in_order(methods: list[str]) -> list[str]:
    """Django's order; methods it doesn't know (WebDAV…) after, alphabetically."""
    known = [method for method in HTTP_METHODS if method in methods]
    return known + sorted(set(methods) - set(HTTP_METHODS))


def _function_view(function: types.FunctionType, kind: str, methods: list[str]) -> dict[str, Any]:
    path = source_file(function)
    return _view(_qualified_name(function), kind, path, function_line(function, path), methods)


def _class_view(view_class: type, methods: list[str], actions: dict[str, str] | None) -> dict[str, Any]:
    path = source_file(view_class)
    view = _view(_class_name(view_class), "class", path, class_line(view_class, path), methods)
    view["class_bases"] = [base.__name__ for base in view_class.__bases__ if base is not object]
    if actions:
        view["actions"] = {str(method).upper(): str(action) for method, action in actions.items()}
    return view


def _view(name: str, kind: str, path: str | None, line: int | None, methods: list[str]) -> dict[str, Any]:
    return {
        "name": name,
        "type": kind,
        "source_path": path,
        "line": line,
        "methods": _in_order(methods),
        "class_bases": [],
    }


def _class_name(view_class: type) -> str:
    return ".".join([view_class.__module__, *class_names(view_class)])


def _qualified_name(obj: object) -> str:
    name = getattr(obj, "__qualname__", None) or type(obj).__qualname__
    module = getattr(obj, "__module__", None) or type(obj).__module__
    return f"{module}.{name}" if module else str(name)
