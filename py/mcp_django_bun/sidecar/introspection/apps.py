"""``django://apps`` and ``django://app/{app_label}``: the installed applications."""

from __future__ import annotations

from django.apps import AppConfig, apps

from ..contract import AppResult, AppSummary
from ..errors import NotFound
from .models import describe_model


def list_apps() -> list[AppSummary]:
    return [describe_app(app_config) for app_config in apps.get_app_configs()]


def app_detail(app_label: str) -> AppResult:
    """One app, with the full description of each of its models."""
    app_config = get_app_config(app_label)
    return {
        **describe_app(app_config),
        "model_details": [describe_model(model) for model in app_config.get_models()],
    }


def describe_app(app_config: AppConfig) -> AppSummary:
    return {
        "name": app_config.name,
        "label": app_config.label,
        "verbose_name": str(app_config.verbose_name),
        "path": app_config.path,
        "models": [model.__name__ for model in app_config.get_models()],
    }


def get_app_config(app_label: str) -> AppConfig:
    """The app with this label, or NotFound listing the labels there are."""
    try:
        return apps.get_app_config(app_label)
    except LookupError:
        labels = ", ".join(app_config.label for app_config in apps.get_app_configs())
        raise NotFound(f"No installed app with label {app_label!r}. Installed app labels: {labels}.") from None
