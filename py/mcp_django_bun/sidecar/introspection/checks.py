"""``check``: Django's system checks framework, as ``manage.py check`` runs it, printing nothing.

Messages silenced by ``SILENCED_SYSTEM_CHECKS`` are left out (and counted), as Django does.
Messages come most serious first, in the order the checks gave them within a level.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.checks.registry import registry
from django.db import connections
from django.db.models.base import ModelBase

from ..contract import ChecksResult
from ..errors import NotFound
from .apps import get_app_config

LEVELS = {
    checks.DEBUG: "DEBUG",
    checks.INFO: "INFO",
    checks.WARNING: "WARNING",
    checks.ERROR: "ERROR",
    checks.CRITICAL: "CRITICAL",
}


def run_checks(
    deploy: bool = False,
    tags: list[str] | None = None,
    app_labels: list[str] | None = None,
    databases: list[str] | None = None,
) -> ChecksResult:
    """The messages of the checks chosen, with a count per level.

    ``tags`` keeps only the checks with one of them (an unknown tag is NotFound, as the command
    refuses it); ``app_labels`` runs the checks on those apps only; ``databases`` also runs the
    checks that need a database (the ``database`` tag) on those aliases, like ``check --database``.
    """
    if tags:
        unknown = [tag for tag in tags if not checks.tag_exists(tag, include_deployment_checks=deploy)]
        if unknown:
            available = ", ".join(sorted(registry.tags_available(deploy)))
            raise NotFound(f"There is no system check with the tag {unknown[0]!r}. The tags there are: {available}.")
    for alias in databases or ():
        if alias not in connections:
            raise NotFound(f"No database alias {alias!r}. The aliases in DATABASES: {', '.join(connections)}.")
    app_configs = [get_app_config(label) for label in app_labels] if app_labels else None
    issues = checks.run_checks(
        app_configs=app_configs,
        tags=tags or None,
        include_deployment_checks=deploy,
        databases=databases or None,
    )
    shown = [issue for issue in issues if not issue.is_silenced()]
    shown.sort(key=lambda issue: -issue.level)
    messages = [describe_message(issue) for issue in shown]
    counts = {name: 0 for name in LEVELS.values()}
    for message in messages:
        counts[message["level"]] = counts.get(message["level"], 0) + 1
    return {"messages": messages, "counts": counts, "silenced": len(issues) - len(shown)}


def describe_message(issue: checks.CheckMessage) -> dict[str, Any]:
    return {
        "level": level_name(issue.level),
        "id": issue.id,
        "msg": str(issue.msg),
        "hint": None if issue.hint is None else str(issue.hint),
        "obj": describe_object(issue.obj),
    }


def level_name(level: int) -> str:
    """The level's name; a level between Django's counts as the one below it."""
    for value in sorted(LEVELS, reverse=True):
        if level >= value:
            return LEVELS[value]
    return LEVELS[checks.DEBUG]


def describe_object(obj: object) -> str | None:
    """What the message is about, as Django prints it: a model by its label, else ``str()``."""
    if obj is None:
        return None
    if isinstance(obj, ModelBase):
        return str(obj._meta.label)
    return str(obj)
