"""Where a function or class is defined: its file and the line of its ``def`` or ``class``.

``inspect.getsourcelines()`` parses the whole module again for every class, which is far too
slow for thousands of routes. Instead each source file is scanned once for definition lines
(cached by path and modification time) and objects are looked up by name.
"""

from __future__ import annotations

import bisect
import functools
import importlib.machinery
import inspect
import os
import re
import types

_DEFINITION = re.compile(r"[ \t]*(?:async[ \t]+def|def|class)[ \t]+([A-Za-z_]\w*)")


def source_file(obj: object) -> str | None:
    """The absolute path of the file that defines ``obj``, or None (builtins, generated code)."""
    try:
        filename = inspect.getfile(obj)  # type: ignore[arg-type]
    except TypeError:
        return None
    return _source_of(filename)


@functools.lru_cache(maxsize=4096)
def _source_of(filename: str) -> str | None:
    """Like ``inspect.getsourcefile()``, once per file rather than once per object."""
    if filename.endswith(tuple(importlib.machinery.BYTECODE_SUFFIXES)):
        filename = os.path.splitext(filename)[0] + ".py"
    elif filename.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
        return None
    return os.path.abspath(filename) if os.path.exists(filename) else None


def function_line(function: types.FunctionType, path: str | None) -> int:
    """The line of the function's ``def`` (``co_firstlineno`` is its first decorator's line)."""
    code = function.__code__
    found = _find(path, [code.co_name], code.co_firstlineno) if path else None
    return found or code.co_firstlineno


def class_line(cls: type, path: str | None) -> int | None:
    """The line of the class's ``class`` statement, found through its qualified name."""
    if path is None:
        return None
    # Python 3.13+ records the line; it must be the class's own, not one inherited from a base.
    first = cls.__dict__.get("__firstlineno__")
    if isinstance(first, int):
        return _find(path, [cls.__name__], first) or first
    return _find(path, class_names(cls), 1)


def class_names(cls: type) -> list[str]:
    """The names leading to the class in its module: ``["Outer", "Inner"]``.

    A class made by a factory (DRF's ``@api_view`` builds one with ``type()`` and renames it
    after the function it wraps) is known by its ``__name__``: its qualified name is stale or
    only says where the factory lives.
    """
    names = cls.__qualname__.split(".")
    if "<locals>" in names or names[-1] != cls.__name__:
        return [cls.__name__]
    return names


def _find(path: str, names: list[str], start: int) -> int | None:
    """The line defining the last of ``names``, each one searched after the one before it."""
    definitions = _definitions_of(path)
    line = start
    for name in names:
        lines = definitions.get(name)
        if not lines:
            return None
        index = bisect.bisect_left(lines, line)
        if index == len(lines):
            return None
        line = lines[index]
    return line


def _definitions_of(path: str) -> dict[str, list[int]]:
    try:
        modified = os.stat(path).st_mtime_ns
    except OSError:
        return {}
    return _scan(path, modified)


@functools.lru_cache(maxsize=1024)
def _scan(path: str, modified: int) -> dict[str, list[int]]:
    """Every ``def``/``class`` name in the file with the lines (ascending) that define it."""
    definitions: dict[str, list[int]] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as source:
            for number, text in enumerate(source, start=1):
                match = _DEFINITION.match(text)
                if match:
                    definitions.setdefault(match.group(1), []).append(number)
    except OSError:
        return {}
    return definitions
