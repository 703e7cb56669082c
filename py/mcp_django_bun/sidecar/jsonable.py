"""Any Python value as JSON a client can read, the way the introspection ops show values.

- ``None``, booleans, integers, finite floats and strings as they are (long strings capped);
- paths, ``Decimal``, ``UUID`` and lazy translation strings as strings; dates and times in ISO 8601;
- dicts as objects (keys as strings), lists and tuples as lists, sets as sorted lists;
- classes, functions, methods and modules by dotted path (``"django.contrib.auth.backends.ModelBackend"``);
- anything else by its ``repr()``, capped.

Containers deeper than ``MAX_DEPTH`` or longer than ``MAX_ITEMS`` are cut, with a visible marker.
``JsonConverter`` is the one walk: subclass it to change how an item under a key, or a piece of
text, is shown (``redaction`` does, to hide secrets).
"""

from __future__ import annotations

import datetime
import decimal
import enum
import math
import pathlib
import types
import uuid
from collections.abc import Mapping
from typing import Any

from .capture import cap_text

try:
    from django.utils.functional import Promise
except ImportError:  # pragma: no cover - the ops that use this need Django anyway

    class Promise:  # type: ignore[no-redef]
        pass


# JSON as Python values: None, bool, int, float, str, list, dict with str keys.
JSON = Any

MAX_DEPTH = 20
MAX_ITEMS = 1000
MAX_TEXT = 10_000
MAX_REPR = 1000

_NAMED = (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.ModuleType)


class JsonConverter:
    """Converts a value to JSON; ``item`` and ``text`` are the points to override."""

    def convert(self, value: object) -> JSON:
        return self._convert(value, 0, set())

    def item(self, key: str, value: object, depth: int, seen: set[int]) -> JSON:
        """The value of a dict entry under ``key``."""
        return self._convert(value, depth, seen)

    def text(self, text: str) -> str:
        """A string as shown: every string of the value (and every repr) goes through here."""
        return text

    def _convert(self, value: object, depth: int, seen: set[int]) -> JSON:
        if isinstance(value, enum.Enum):
            return self._convert(value.value, depth, seen)
        if value is None or type(value) in (bool, int):
            return value
        if isinstance(value, int):  # a subclass of int or bool: its plain value
            return bool(value) if isinstance(value, bool) else int(value)
        if isinstance(value, float):
            return value if math.isfinite(value) else str(value)
        if isinstance(value, str):
            return cap_text(self.text(str(value)), MAX_TEXT)
        if isinstance(value, (pathlib.PurePath, decimal.Decimal, uuid.UUID, Promise)):
            return cap_text(self.text(str(value)), MAX_TEXT)
        if isinstance(value, (datetime.date, datetime.time)):  # datetime is a date
            return value.isoformat()
        if isinstance(value, _NAMED):
            return dotted_path(value)
        if isinstance(value, (Mapping, list, tuple, set, frozenset)):
            if id(value) in seen:
                return "[recursion]"
            if depth >= MAX_DEPTH:
                return "[too deep]"
            seen = seen | {id(value)}
            if isinstance(value, Mapping):
                return self._mapping(value, depth + 1, seen)
            return self._sequence(value, depth + 1, seen)
        return self._repr(value)

    def _mapping(self, value: Mapping[Any, Any], depth: int, seen: set[int]) -> dict[str, JSON]:
        converted: dict[str, JSON] = {}
        for index, (key, item) in enumerate(value.items()):
            if index == MAX_ITEMS:
                converted["[truncated]"] = f"{len(value) - MAX_ITEMS} more entries"
                break
            name = key if isinstance(key, str) else str(self._convert(key, depth, seen))
            converted[name] = self.item(name, item, depth, seen)
        return converted

    def _sequence(
        self, value: list[Any] | tuple[Any, ...] | set[Any] | frozenset[Any], depth: int, seen: set[int]
    ) -> list[JSON]:
        items = list(value)
        if isinstance(value, (set, frozenset)):
            try:
                items.sort()
            except TypeError:
                items.sort(key=repr)
        converted = [self._convert(item, depth, seen) for item in items[:MAX_ITEMS]]
        if len(items) > MAX_ITEMS:
            converted.append(f"[truncated: {len(items) - MAX_ITEMS} more items]")
        return converted

    def _repr(self, value: object) -> str:
        try:
            text = repr(value)
        except Exception as exc:  # a broken __repr__ is the project's, not a reason to fail
            text = f"<{type(value).__qualname__} object (repr failed: {type(exc).__name__})>"
        return cap_text(self.text(text), MAX_REPR)


def to_json(value: object) -> JSON:
    """``value`` as JSON, shown as it is (nothing hidden: see ``redaction`` for settings)."""
    return JsonConverter().convert(value)


def dotted_path(obj: object) -> str:
    """``module.QualifiedName`` of a class, function, method or module."""
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    module = getattr(obj, "__module__", None)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or type(obj).__qualname__
    return f"{module}.{name}" if module and module != "builtins" else str(name)
