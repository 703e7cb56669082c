"""``find_template`` and ``list_templates``: which file a template name loads, and every name.

Each engine of ``TEMPLATES`` is asked in order, as ``django.template.loader.get_template()``
asks them. For Django's engine, each loader (the loaders inside the cached loader) gives its
candidates with ``Loader.get_template_sources(name)``, tried in order with ``get_contents()``
as ``Loader.get_template()`` tries them: the first that exists wins, and the others that exist
lose to it (an override). Other engines (Jinja2) are looked up in their template directories.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.template import Engine, TemplateDoesNotExist, engines
from django.template.backends.base import BaseEngine
from django.utils._os import safe_join

from ..contract import TemplateResult, TemplatesResult
from ..errors import NotFound
from ..jsonable import dotted_path

# Template names an error suggests, and the candidate files it lists.
SUGGESTIONS = 5
TRIED_SHOWN = 10

_SKIPPED_DIRS = {"__pycache__", "node_modules"}


def find_template(name: str) -> TemplateResult:
    """The file ``name`` loads and every candidate tried, in order; NotFound with close names."""
    candidates: list[dict[str, Any]] = []
    winner: dict[str, Any] | None = None
    for backend in engines.all():
        for candidate in _candidates(backend, name):
            exists = candidate.pop("exists")
            if exists and winner is None:
                candidate["status"] = "winner"
                winner = candidate
            else:
                candidate["status"] = "lost" if exists else "not found"
            candidates.append(candidate)
    if winner is None:
        close = difflib.get_close_matches(name, _all_names(), n=SUGGESTIONS, cutoff=0.6)
        hint = f" Close names: {', '.join(close)}." if close else " list_templates lists the names there are."
        tried = "".join(f"\n- {candidate['path']} ({candidate['loader']})" for candidate in candidates[:TRIED_SHOWN])
        if len(candidates) > TRIED_SHOWN:
            tried += f"\n- and {len(candidates) - TRIED_SHOWN} more"
        raise NotFound(f"No template {name!r}.{hint}" + (f" Tried:{tried}" if tried else ""))
    return {
        "name": name,
        "winner": {key: winner[key] for key in ("path", "engine", "loader", "app_label")},
        "candidates": candidates,
    }


def list_templates(prefix: str | None = None, limit: int = 200) -> TemplatesResult:
    """Every template name the engines can load, starting with ``prefix``, sorted, at most ``limit``."""
    names = [found for found in _all_names() if not prefix or found.startswith(prefix)]
    return {"templates": names[:limit], "count": min(len(names), limit), "total": len(names)}


def _candidates(backend: BaseEngine, name: str) -> Iterator[dict[str, Any]]:
    """The files ``backend`` would try for ``name``, in order, each with whether it exists."""
    engine = getattr(backend, "engine", None)
    if isinstance(engine, Engine):
        for loader in _loaders(engine):
            for origin in loader.get_template_sources(name):
                try:
                    loader.get_contents(origin)
                    exists = True
                except (TemplateDoesNotExist, OSError):
                    exists = False
                yield _candidate(str(origin.name), backend, dotted_path(type(loader)), exists)
        return
    for directory in backend.template_dirs:
        try:
            path = safe_join(os.fspath(directory), name)
        except Exception:  # a name leaving the directory (SuspiciousFileOperation): never a candidate
            continue
        yield _candidate(path, backend, dotted_path(type(backend)), os.path.isfile(path))


def _candidate(path: str, backend: BaseEngine, loader: str, exists: bool) -> dict[str, Any]:
    return {"path": path, "engine": backend.name, "loader": loader, "app_label": _app_of(path), "exists": exists}


def _loaders(engine: Engine) -> Iterator[Any]:
    """The engine's loaders in order, with the cached loader's own loaders in its place."""
    for loader in engine.template_loaders:
        inner = getattr(loader, "loaders", None)
        if isinstance(inner, list):
            yield from inner
        else:
            yield loader


def _app_of(path: str) -> str | None:
    """The label of the app whose directory holds ``path``, for a file of an app."""
    absolute = os.path.abspath(path)
    for app_config in apps.get_app_configs():
        if absolute.startswith(os.path.join(os.path.abspath(app_config.path), "")):
            return str(app_config.label)
    return None


def _all_names() -> list[str]:
    """Every template name any engine can load, sorted."""
    names: set[str] = set()
    for backend in engines.all():
        engine = getattr(backend, "engine", None)
        if isinstance(engine, Engine):
            for loader in _loaders(engine):
                templates_dict = getattr(loader, "templates_dict", None)
                if isinstance(templates_dict, dict):
                    names.update(str(key) for key in templates_dict)
                elif hasattr(loader, "get_dirs"):
                    for directory in loader.get_dirs():
                        names.update(_names_in(os.fspath(directory)))
        else:
            for directory in backend.template_dirs:
                names.update(_names_in(os.fspath(directory)))
    return sorted(names)


def _names_in(directory: str) -> Iterator[str]:
    """Template names under ``directory``: its files' relative paths, hidden files left out."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(entry for entry in dirs if not entry.startswith(".") and entry not in _SKIPPED_DIRS)
        relative = os.path.relpath(root, directory)
        for file in files:
            if file.startswith(".") or file.endswith((".pyc", ".pyo")):
                continue
            yield file if relative == "." else f"{relative.replace(os.sep, '/')}/{file}"
