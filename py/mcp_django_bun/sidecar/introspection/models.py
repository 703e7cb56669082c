"""``django://models`` and ``django://model/{app_label}/{model_name}``: model classes and fields."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.db import models
from django.db.models.base import ModelBase
from django.db.models.fields.reverse_related import ForeignObjectRel

from ..contract import ModelResult
from ..errors import NotFound
from .source import class_line, source_file


def list_models() -> list[ModelResult]:
    return [describe_model(model) for model in apps.get_models()]


def model_detail(app_config: AppConfig, model_name: str) -> ModelResult:
    """One model of an app; the name is matched case-insensitively, as Django does."""
    try:
        model = app_config.get_model(model_name)
    except LookupError:
        names = ", ".join(model.__name__ for model in app_config.get_models()) or "none"
        raise NotFound(f"App {app_config.label!r} has no model {model_name!r}. Its models: {names}.") from None
    return describe_model(model)


def describe_model(model: type[models.Model]) -> ModelResult:
    opts = model._meta
    path = source_file(model)
    return {
        "model_class": model.__name__,
        "import_path": f"{model.__module__}.{model.__qualname__}",
        "source_path": path,
        "line": class_line(model, path),
        "app_label": opts.app_label,
        "label": opts.label,
        "db_table": opts.db_table,
        # Concrete fields are the ones with a column: foreign keys included, many-to-many not.
        "fields": {field.name: type(field).__name__ for field in opts.concrete_fields},
        "relations": [describe_relation(field) for field in opts.get_fields() if field.is_relation],
    }


def describe_relation(field: models.Field | ForeignObjectRel) -> dict[str, Any]:
    """A forward or reverse relation, named as code uses it on an instance."""
    reverse = isinstance(field, ForeignObjectRel)
    target = field.related_model
    return {
        "name": (field.get_accessor_name() or field.name) if reverse else field.name,
        "type": type(field).__name__,
        "cardinality": _cardinality(field),
        "reverse": reverse,
        # None for a GenericForeignKey: its target is chosen per row.
        "target": target._meta.label if isinstance(target, ModelBase) else None,
    }


def _cardinality(field: models.Field | ForeignObjectRel) -> str:
    if field.many_to_many:
        return "many_to_many"
    if field.one_to_many:
        return "one_to_many"
    if field.one_to_one:
        return "one_to_one"
    return "many_to_one"
