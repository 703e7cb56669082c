"""What one run of shell code did to its namespace, statement by statement.

The Bun side keeps each session's history across sidecars: when a session moves to a fresh
sidecar (the project's code changed, or the old one died), it re-runs the imports and the
function and class definitions, and names what it could not restore. For that it needs, per
top-level statement of a run, its kind, its source and the names it bound. Names come from the
namespace itself (what really changed), attributed to the last statement that binds them in the
``ast``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from typing import Any

from .contract import RestoreFailure, RestoreStep, RunRecord, StatementKind
from .errors import describe_exception

# Names the shell itself manages, never part of a session's history.
_SHELL_NAMES = frozenset({"_"})


def snapshot(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The namespace's bindings before a run, to compare with after it."""
    return dict(namespace)


def record(code: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> RunRecord:
    """The statements of ``code`` with the names each bound, and the names the run deleted."""
    changed = [
        name for name, value in after.items() if _tracked(name) and (name not in before or before[name] is not value)
    ]
    deleted = sorted(name for name in before if _tracked(name) and name not in after)
    statements = _statements(code)
    claimed = _attribute(changed, statements)
    return {
        "statements": [
            {"kind": kind, "source": source, "names": sorted(claimed.get(index, []))}
            for index, (kind, source, _) in enumerate(statements)
        ],
        "deleted": deleted,
    }


def _tracked(name: str) -> bool:
    return not (name.startswith("__") and name.endswith("__")) and name not in _SHELL_NAMES


def _statements(code: str) -> list[tuple[StatementKind, str, set[str]]]:
    """Each top-level statement: its kind, its source and the names it may bind."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return [("other", code, set())]
    lines = code.splitlines(True)
    return [(_kind(node), _source(node, code, lines), set(_bound_names(node))) for node in tree.body]


def _kind(node: ast.stmt) -> StatementKind:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return "import"
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return "definition"
    return "other"


def _source(node: ast.stmt, code: str, lines: list[str]) -> str:
    """The statement as written, decorators included (``ast.get_source_segment`` leaves them out)."""
    decorators = getattr(node, "decorator_list", [])
    if decorators and node.end_lineno is not None:
        return "".join(lines[decorators[0].lineno - 1 : node.end_lineno]).rstrip("\n")
    return ast.get_source_segment(code, node) or ""


def _bound_names(node: ast.AST) -> Iterator[str]:
    """Names a top-level statement may bind in the module namespace (an over-approximation:
    only those that really changed are kept). Nested scopes bind their own names, not ours."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.name
        return
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            yield alias.asname or alias.name.split(".")[0]
        return
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        yield node.id
    elif isinstance(node, ast.ExceptHandler) and node.name:
        yield node.name
    elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
        yield node.name
    elif isinstance(node, ast.MatchMapping) and node.rest:
        yield node.rest
    elif isinstance(node, ast.Lambda):
        return
    for child in ast.iter_child_nodes(node):
        yield from _bound_names(child)


def _attribute(changed: list[str], statements: list[tuple[StatementKind, str, set[str]]]) -> dict[int, list[str]]:
    """Statement index → the changed names it bound: the last statement that binds a name wins."""
    claimed: dict[int, list[str]] = {}
    if not statements:
        return claimed
    # Unclaimed names (``globals()[...] = ...``, a star import) go to the last statement that is
    # not restored, if any: better reported as lost than silently missing after a restore.
    fallback = max(
        (index for index, (kind, _, _) in enumerate(statements) if kind == "other"), default=len(statements) - 1
    )
    for name in changed:
        owner = next((index for index in reversed(range(len(statements))) if name in statements[index][2]), fallback)
        claimed.setdefault(owner, []).append(name)
    return claimed


def replay(steps: list[RestoreStep], namespace: dict[str, Any]) -> list[RestoreFailure]:
    """Runs restorable statements in order, each on its own (one failing doesn't stop the rest);
    returns those that failed, with why."""
    failures: list[RestoreFailure] = []
    for step in steps:
        try:
            exec(compile(step["source"], f"<shell step {step['step']}>", "exec"), namespace)
        except Exception as exc:
            described = describe_exception(exc)
            failures.append(
                {
                    "step": step["step"],
                    "source": step["source"],
                    "error": f"{described['exc_type']}: {described['message']}",
                }
            )
    return failures
