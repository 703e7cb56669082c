"""Read-only mode, the policy: whether it is on, and which SQL statements it refuses.

The MCP server asks for ``"on"`` (``--read-only``), ``"off"`` (``--allow-writes``) or ``"auto"``;
``decide()`` turns that into ``{"on", "why"}``, reading the settings for ``"auto"``: read-only
when ``DEBUG`` is false or a database is on another machine. ``refusal()`` is the statement guard
both layers of ours use (Django's ``execute_wrapper`` and the driver's cursors, in
``readonly_db``): it says why a statement is refused, or None. It reads SQL as text, so it is a
second line and a better message: the first line is the database itself (see ``readonly_db``).

Standard library only: imported before Django is set up, and where Django is missing.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal, cast

from .contract import ReadOnlyInfo

Request = Literal["on", "off", "auto"]
REQUESTS: tuple[Request, ...] = ("on", "off", "auto")

# The longest piece of a refused statement quoted in the message.
QUOTED_LIMIT = 200


def parse_request(value: object) -> tuple[Request, str]:
    """The MCP server's request from its hello: ``{"mode": "on"|"off"|"auto", "why": str}``.
    Anything else (an older server, a missing field) is ``"auto"``."""
    if isinstance(value, dict):
        mode, why = value.get("mode"), value.get("why")
        if mode in REQUESTS:
            return cast(Request, mode), why if isinstance(why, str) else ""
    return "auto", ""


def decide(request: Request, why: str = "") -> ReadOnlyInfo:
    """Whether read-only mode is on, and why (shown at start-up and in ``django://project``)."""
    if request == "on":
        return {"on": True, "why": why or "read-only mode was asked for"}
    if request == "off":
        return {"on": False, "why": why or "writes were allowed"}
    reasons = auto_reasons()
    if reasons:
        return {"on": True, "why": f"{'; '.join(reasons)} (--allow-writes overrides this)"}
    return {
        "on": False,
        "why": "DEBUG is True and every database is on this machine (--read-only makes the database refuse writes)",
    }


def auto_reasons() -> list[str]:
    """Why the default is read-only for this project: DEBUG off, or a database elsewhere."""
    try:
        from django.conf import settings

        debug = bool(settings.DEBUG)
        databases: Mapping[str, Mapping[str, Any]] = settings.DATABASES
    except Exception as exc:  # settings that raise: assume the worst
        return [f"the settings could not be read ({type(exc).__name__}), so DEBUG is unknown"]
    reasons = [] if debug else ["DEBUG is False"]
    for alias, entry in databases.items():
        host = str(entry.get("HOST") or "")
        if not is_local_host(host):
            reasons.append(f"database {alias!r} is on {host}, not this machine")
    return reasons


def is_local_host(host: str) -> bool:
    """Empty (the driver's default: a local socket), a Unix socket's path, localhost or a loopback address."""
    host = host.strip()
    if not host or host.startswith("/") or host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --- the statement guard ------------------------------------------------------------------------

# Statements that write data or schema, or that may (DO, CALL), by their first word.
_WRITING_COMMANDS = frozenset(
    """insert update delete merge replace upsert create drop alter truncate grant revoke comment
    vacuum reindex cluster refresh lock attach do call security import load rename optimize repair
    flush install uninstall reassign checkpoint analyze analyse""".split()
)
# SQLite pragmas that write the file or change what the connection may do, when given a value.
_WRITING_PRAGMAS = frozenset(
    """query_only writable_schema journal_mode user_version schema_version application_id auto_vacuum
    incremental_vacuum optimize locking_mode page_size max_page_count encoding trusted_schema
    wal_checkpoint""".split()
)
# What turns read-only mode off: PostgreSQL's transaction settings (SET, SET TRANSACTION READ
# WRITE, set_config()), MySQL's (SET SESSION TRANSACTION READ WRITE, transaction_read_only),
# SQLite's query_only.
_MODE_SWITCH = re.compile(r"read_only|readonly|read\s+write|query_only|session\s+characteristics", re.IGNORECASE)
_DATA_WRITE = re.compile(r"\b(insert|update|delete|merge|replace|upsert)\b", re.IGNORECASE)
_ROW_LOCKS = re.compile(r"\bfor\s+(no\s+key\s+)?(update|share|key\s+share)\b", re.IGNORECASE)
_INTO = re.compile(r"\binto\b", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[(\s]*([A-Za-z_]+)")

# Comments, quoted strings and identifiers, dollar-quoted bodies and semicolons, in one scan.
_TOKENS = {
    # PostgreSQL: '' doubled, E'' with backslashes, $tag$ bodies, nested /* */ (approximated).
    "postgresql": re.compile(
        r"(?P<comment>--[^\n]*|/\*.*?\*/)"
        r"|(?P<literal>[Ee]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|\$(?P<tag>[A-Za-z_][A-Za-z0-9_]*|)\$.*?\$(?P=tag)\$)"
        r"|(?P<ident>\"(?:[^\"]|\"\")*\")"
        r"|(?P<end>;)",
        re.DOTALL,
    ),
    # MySQL: backslash escapes in both quotes, `identifiers`, # comments.
    "mysql": re.compile(
        r"(?P<comment>--\s[^\n]*|#[^\n]*|/\*.*?\*/)"
        r"|(?P<literal>'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\")"
        r"|(?P<ident>`(?:[^`]|``)*`)"
        r"|(?P<end>;)",
        re.DOTALL,
    ),
    # SQLite and the rest: standard SQL quoting, plus SQLite's [identifiers] and `identifiers`.
    "other": re.compile(
        r"(?P<comment>--[^\n]*|/\*.*?\*/)"
        r"|(?P<literal>'(?:[^']|'')*')"
        r"|(?P<ident>\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|\[[^\]]*\])"
        r"|(?P<end>;)",
        re.DOTALL,
    ),
}


def split_statements(sql: str, vendor: str) -> Iterator[tuple[str, str]]:
    """Each statement of ``sql`` as ``(text, code)``: ``text`` without comments (for the message
    and for names inside strings, as in ``set_config('…read_only', …)``), ``code`` with strings
    and quoted names blanked too (for keywords)."""
    pattern = _TOKENS.get(vendor, _TOKENS["other"])
    text: list[str] = []
    code: list[str] = []
    position = 0
    for match in pattern.finditer(sql):
        plain = sql[position : match.start()]
        text.append(plain)
        code.append(plain)
        position = match.end()
        kind = match.lastgroup if match.lastgroup != "tag" else "literal"
        if kind == "comment":
            text.append(" ")
            code.append(" ")
        elif kind == "end":
            yield "".join(text).strip(), "".join(code).strip()
            text, code = [], []
        else:
            text.append(match.group())
            code.append(" '' " if kind == "literal" else ' "" ')
    text.append(sql[position:])
    code.append(sql[position:])
    yield "".join(text).strip(), "".join(code).strip()


def refusal(sql: str, vendor: str) -> str | None:
    """Why read-only mode refuses ``sql`` (any of its statements), or None when it only reads."""
    for text, code in split_statements(sql, vendor):
        if not code:
            continue
        why = _statement_refusal(text, code)
        if why is not None:
            return why
    return None


def _statement_refusal(text: str, code: str) -> str | None:
    quoted = text if len(text) <= QUOTED_LIMIT else f"{text[:QUOTED_LIMIT]}…"
    if _switches_mode(text, code):
        return f"this statement would turn read-only mode off: {quoted}"
    if _writes(code):
        return f"this statement would write: {quoted}"
    return None


def _switches_mode(text: str, code: str) -> bool:
    first = _first_word(code)
    if first in ("set", "reset", "begin", "start", "pragma"):
        # The whole text: a quoted name (SET "transaction_read_only" = off) is the same setting.
        return bool(_MODE_SWITCH.search(text))
    # set_config('default_transaction_read_only', 'off', false): the name is in a string.
    return "set_config" in code.lower() and bool(_MODE_SWITCH.search(text))


def _writes(code: str) -> bool:
    first = _first_word(code)
    lowered = code.lower()
    if first in _WRITING_COMMANDS:
        return True
    if first == "select":
        # SELECT … INTO makes a table (PostgreSQL) or a file (MySQL INTO OUTFILE).
        return bool(_INTO.search(code))
    if first == "with":
        # A writable CTE, or WITH … SELECT … INTO.
        return bool(_DATA_WRITE.search(_ROW_LOCKS.sub(" ", code)) or _INTO.search(code))
    if first == "explain":
        # Only EXPLAIN ANALYZE runs the statement it explains.
        return bool(re.search(r"\banaly[sz]e\b", lowered)) and bool(
            _DATA_WRITE.search(_ROW_LOCKS.sub(" ", code)) or re.search(r"\b(create|into)\b", lowered)
        )
    if first == "prepare":
        # PREPARE name AS statement: what it would run later.
        body = re.split(r"\bas\b", code, maxsplit=1, flags=re.IGNORECASE)
        return len(body) == 2 and _writes(body[1])
    if first == "copy":
        # Only COPY … TO STDOUT reads (COPY … FROM writes a table, COPY … TO 'file' a file).
        return not re.search(r"\bto\s+stdout\b", lowered) or bool(_DATA_WRITE.search(code))
    if first == "pragma":
        match = re.match(r"\s*pragma\s+(?:\w+\s*\.\s*)?(\w+)\s*(=|\()?", lowered)
        return match is not None and writing_pragma(match.group(1), match.group(2) is not None)
    return False


def writing_pragma(name: str, has_value: bool) -> bool:
    return name == "optimize" or (has_value and name in _WRITING_PRAGMAS)


def _first_word(code: str) -> str:
    match = _FIRST_WORD.match(code)
    return match.group(1).lower() if match else ""


def message(why: str) -> str:
    """The error a refused statement raises, in the shell and in management commands alike."""
    return f"mcp-django is in read-only mode (--read-only): {why}; restart with --allow-writes to allow writes"
