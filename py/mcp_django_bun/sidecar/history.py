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
from collections.abc import Mapping
from typing import Any

from . import interrupts
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
    # Most calls only read: then there are no names to attribute, and no need to look for them.
    statements = _statements(code, find_names=bool(changed))
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


def _statements(code: str, find_names: bool) -> list[tuple[StatementKind, str, set[str]]]:
    """Each top-level statement: its kind, its source and (``find_names``) the names it may bind.
    Code that can't be taken apart is one statement that is not restored, binding whatever changed."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, RecursionError, MemoryError):
        return [("other", code, set())]
    return [(_kind(node), _source(node, code), _bound_names(node) if find_names else set()) for node in tree.body]


def _kind(node: ast.stmt) -> StatementKind:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return "import"
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return "definition"
    return "other"


def _source(node: ast.stmt, code: str) -> str:
    """The statement as written, decorators included (``ast.get_source_segment`` leaves them out)."""
    decorators = getattr(node, "decorator_list", [])
    # A top-level decorator's "@" starts its line; the span is read the way the parser counts lines.
    start = ast.Pass(lineno=decorators[0].lineno, col_offset=0) if decorators else node
    span = ast.Pass(
        lineno=start.lineno, col_offset=start.col_offset, end_lineno=node.end_lineno, end_col_offset=node.end_col_offset
    )
    return ast.get_source_segment(code, span) or ""


def _bound_names(statement: ast.stmt) -> set[str]:
    """Names a top-level statement may bind in the module namespace (an over-approximation: only
    those that really changed are kept). Nested scopes (functions, lambdas, comprehension
    variables) bind their own names, not ours. Walked without recursion: expressions nest deep."""
    names: set[str] = set()
    pending: list[ast.AST] = [statement]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            pending.extend(node.decorator_list)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.comprehension):
            pending.append(node.iter)
            pending.extend(node.ifs)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        pending.extend(ast.iter_child_nodes(node))
    return names


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
        except interrupts.Interrupted:
            raise
        except BaseException as exc:  # SystemExit at import time too: it fails this step, not the call
            described = describe_exception(exc)
            failures.append(
                {
                    "step": step["step"],
                    "source": step["source"],
                    "error": f"{described['exc_type']}: {described['message']}",
                }
            )
    return failures
