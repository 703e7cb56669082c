"""``resolve_url`` and ``reverse_url``: Django's ``resolve()`` and ``reverse()``, explained.

A path that resolves nowhere, or a name that reverses to nothing, is NotFound with what would
help: the closest routes, the close names, or the parameters the route takes. Routes are walked
as ``list_routes`` walks them, and views described as it describes them.
"""

from __future__ import annotations

import difflib
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse

from ..contract import ResolveResult, ReverseResult
from ..errors import NotFound
from ..jsonable import to_json
from .routes import Route, describe_view, walk

# How many close routes or names an error lists.
SUGGESTIONS = 5

# A path()'s converters and a regex's groups, and numbers in a path: left out when comparing.
_PARAMETERS = re.compile(r"<[^<>]*>|\(\?P<\w+>(?:[^()]|\([^()]*\))*\)")
_NUMBERS = re.compile(r"(?<=/)\d+(?=/|$)|^\d+(?=/|$)")


def resolve_path(path: str) -> ResolveResult:
    """The route and view ``path`` resolves to; a query string or fragment is ignored, and so is
    a scheme and host (``http://localhost:8000/catalog/`` is ``/catalog/``)."""
    path = normalize_path(path)
    try:
        match = resolve(path)
    except Resolver404:
        raise NotFound(_no_route_message(path)) from None
    return {
        "path": path,
        "route": match.route,
        "url_name": match.url_name,
        "view_name": match.view_name,
        "namespace": match.namespace or None,
        "namespaces": list(match.namespaces),
        "app_names": list(match.app_names),
        "args": to_json(list(match.args)),
        "kwargs": to_json(dict(match.kwargs)),
        "view": describe_view(match.func),
    }


def reverse_name(name: str, args: list[Any] | None = None, kwargs: dict[str, Any] | None = None) -> ReverseResult:
    """The path of the route named ``name`` (``"namespace:name"``) with these arguments."""
    if args and kwargs:
        raise NotFound(
            "Give the route's parameters either as args or as kwargs, not both (Django's reverse() refuses)."
        )
    try:
        path = reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch as exc:
        raise NotFound(_no_reverse_message(name, args, kwargs, str(exc))) from None
    try:
        route: str | None = resolve(urlsplit(path).path).route
    except Resolver404:
        route = None
    return {"name": name, "path": path, "route": route}


def normalize_path(path: str) -> str:
    parts = urlsplit(path.strip())
    found = parts.path
    return found if found.startswith("/") else f"/{found}"


def view_name(route: Route) -> str | None:
    """``namespace:name`` of a route, as ``reverse()`` takes it; None for a route without a name."""
    _, namespace, _, entry = route
    if not entry.name:
        return None
    return f"{namespace}:{entry.name}" if namespace else str(entry.name)


def _routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


def _describe_route(route: Route) -> str:
    pattern, _, parameters, _ = route
    name = view_name(route)
    named = f" (name {name!r})" if name else ""
    takes = f", parameters: {', '.join(parameters)}" if parameters else ", no parameters"
    return f"/{pattern}{named}{takes}"


def _likeness(path: str, pattern: str) -> float:
    """How alike a path and a route's pattern look: their text without parameters (converters,
    regex groups, numbers in the path), a little more when they have as many segments."""
    wanted = _NUMBERS.sub("", path.strip("/"))
    shape = _PARAMETERS.sub("", pattern.strip("/"))
    score = difflib.SequenceMatcher(None, wanted, shape, autojunk=False).ratio()
    return score + (0.1 if path.strip("/").count("/") == pattern.strip("/").count("/") else 0)


def _no_route_message(path: str) -> str:
    scored = sorted(_routes(), key=lambda route: _likeness(path, route[0]), reverse=True)
    message = f"No route matches {path}."
    if not path.endswith("/") and settings.APPEND_SLASH:
        try:
            resolve(f"{path}/")
            message += f" {path}/ does: with APPEND_SLASH, CommonMiddleware redirects there."
        except Resolver404:
            pass
    if scored:
        closest = "; ".join(_describe_route(route) for route in scored[:SUGGESTIONS])
        message += f" Closest routes: {closest}."
    return message + " list_routes lists them all."


def _no_reverse_message(name: str, args: list[Any] | None, kwargs: dict[str, Any] | None, django_says: str) -> str:
    routes = _routes()
    named = [route for route in routes if view_name(route) == name]
    if not named:
        names = sorted({found for route in routes if (found := view_name(route))})
        close = difflib.get_close_matches(name, names, n=SUGGESTIONS, cutoff=0.5)
        hint = f" Close names: {', '.join(close)}." if close else " list_routes lists the routes with their names."
        return f"No route is named {name!r}.{hint}"
    given = []
    if args:
        given.append(f"args {args!r}")
    if kwargs:
        given.append(f"kwargs {kwargs!r}")
    with_what = " and ".join(given) or "no arguments"
    expected = "; ".join(_describe_route(route) for route in named)
    return f"The route {name!r} doesn't match {with_what}. It takes: {expected}. (Django: {django_says})"
