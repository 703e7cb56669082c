"""Read-only mode: the statement guard, the default's decision, and the enforcement on SQLite
in a thread of its own (as inside a dev server: the rest of the process keeps writing)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import override_settings

from mcp_django_bun.sidecar import readonly, readonly_db

REFUSED = [
    ("postgresql", "INSERT INTO t VALUES (1)", "write"),
    ("postgresql", "  /* a comment */ update t set a = 1 returning a", "write"),
    ("postgresql", "SELECT 1; DELETE FROM t", "write"),
    ("postgresql", "WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone", "write"),
    ("postgresql", "SELECT a INTO b FROM t", "write"),
    ("postgresql", "DO $$ BEGIN INSERT INTO t VALUES (1); END $$", "write"),
    ("postgresql", "EXPLAIN ANALYZE DELETE FROM t", "write"),
    ("postgresql", "PREPARE p AS DELETE FROM t", "write"),
    ("postgresql", "COPY t FROM STDIN", "write"),
    ("postgresql", "CREATE TABLE t (a int)", "write"),
    ("postgresql", "TRUNCATE t", "write"),
    ("postgresql", "SET default_transaction_read_only = off", "mode"),
    ("postgresql", 'SET "default_transaction_read_only" = off', "mode"),
    ("postgresql", 'SET "transaction_read_only" = off', "mode"),
    ("postgresql", "set local transaction_read_only to off", "mode"),
    ("postgresql", "SET TRANSACTION READ WRITE", "mode"),
    ("postgresql", "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", "mode"),
    ("postgresql", "BEGIN READ WRITE", "mode"),
    ("postgresql", "START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE", "mode"),
    ("postgresql", "RESET default_transaction_read_only", "mode"),
    ("postgresql", "SELECT set_config('default_transaction_read_only', 'off', false)", "mode"),
    ("sqlite", "PRAGMA query_only = OFF", "mode"),
    ("sqlite", "PRAGMA main.journal_mode=WAL", "write"),
    ("sqlite", "ATTACH DATABASE 'other.db' AS other", "write"),
    ("sqlite", "REPLACE INTO t VALUES (1)", "write"),
    ("mysql", "SET SESSION TRANSACTION READ WRITE", "mode"),
    ("mysql", "SET @@session.transaction_read_only = 0", "mode"),
    ("mysql", "SELECT * FROM t INTO OUTFILE '/tmp/x'", "write"),
]

ALLOWED = [
    ("postgresql", "SELECT 1"),
    ("postgresql", "select * from t where a = 'x; delete from t'"),
    ("postgresql", "select $$;delete from t$$, $tag$ insert $tag$"),
    ("postgresql", "WITH x AS (SELECT 1) SELECT * FROM x FOR UPDATE"),
    ("postgresql", "EXPLAIN SELECT 1"),
    ("postgresql", "EXPLAIN DELETE FROM t"),
    ("postgresql", "COPY (SELECT 1) TO STDOUT"),
    ("postgresql", "SELECT set_config('TimeZone', %s, false)"),
    ("postgresql", "SAVEPOINT s1; RELEASE SAVEPOINT s1"),
    ("postgresql", "BEGIN; COMMIT"),
    ("postgresql", "SET ROLE other"),
    ("postgresql", "(SELECT 1) UNION (SELECT 2)"),
    ("postgresql", "-- DELETE FROM t\nSELECT 1"),
    ("sqlite", "PRAGMA foreign_keys = OFF"),
    ("sqlite", "PRAGMA table_info(t)"),
    ("sqlite", 'SELECT "delete", [update] FROM t'),
    ("mysql", "SELECT 'it\\'s; delete from t'"),
]


@pytest.mark.parametrize(("vendor", "sql", "kind"), REFUSED)
def test_the_guard_refuses_writes_and_mode_switches(vendor: str, sql: str, kind: str) -> None:
    why = readonly.refusal(sql, vendor)
    assert why is not None
    assert why.startswith(
        "this statement would write: " if kind == "write" else "this statement would turn read-only mode off: "
    )


@pytest.mark.parametrize(("vendor", "sql"), ALLOWED)
def test_the_guard_lets_reads_through(vendor: str, sql: str) -> None:
    assert readonly.refusal(sql, vendor) is None


def test_the_message_names_the_mode_and_the_way_out() -> None:
    assert readonly.message("this statement would write: DELETE FROM t") == (
        "mcp-django is in read-only mode (--read-only): this statement would write: DELETE FROM t;"
        " restart with --allow-writes to allow writes"
    )


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("", True),
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("/var/run/postgresql", True),
        ("db.example.com", False),
        ("10.0.0.5", False),
    ],
)
def test_local_hosts(host: str, local: bool) -> None:
    assert readonly.is_local_host(host) is local


def test_auto_is_read_only_when_debug_is_off_or_a_database_is_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    assert readonly.decide("auto")["on"] is False
    with override_settings(DEBUG=False):
        assert readonly.decide("auto") == {"on": True, "why": "DEBUG is False (--allow-writes overrides this)"}
    # Not override_settings: that would reset the connections other tests use.
    monkeypatch.setattr(settings, "DATABASES", {"default": {"HOST": "db.example.com"}, "replica": {"HOST": "::1"}})
    assert readonly.auto_reasons() == ["database 'default' is on db.example.com, not this machine"]
    assert readonly.decide("on", "--read-only was given") == {"on": True, "why": "--read-only was given"}
    assert readonly.decide("off", "--allow-writes was given") == {"on": False, "why": "--allow-writes was given"}


def test_the_request_in_a_hello() -> None:
    assert readonly.parse_request({"mode": "on", "why": "--read-only was given"}) == ("on", "--read-only was given")
    assert readonly.parse_request(None) == ("auto", "")
    assert readonly.parse_request({"mode": "sideways"}) == ("auto", "")


def in_thread(work: Callable[[], Any]) -> Any:
    """Runs ``work`` on a new thread (closing its connections after) and returns what it returned or raised."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:
            outcome.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome[0]


def test_a_read_only_thread_and_the_threads_it_starts_refuse_writes_while_others_write() -> None:
    from catalog.models import Book

    def work() -> dict[str, Any]:
        info = readonly_db.enforce("on", "--read-only was given", "thread")
        seen: dict[str, Any] = {"info": info, "current": readonly_db.current(), "count": Book.objects.count()}
        attempts: dict[str, Callable[[], object]] = {
            "orm": lambda: Book.objects.update(title="changed"),
            "cursor": lambda: connection.cursor().execute("DELETE FROM catalog_book"),
            "raw cursor": lambda: connection.connection.cursor().execute("DELETE FROM catalog_book"),
            "raw execute": lambda: connection.connection.execute("DELETE FROM catalog_book"),
            "bare cursor": lambda: sqlite3.Cursor(connection.connection).execute("PRAGMA query_only = OFF"),
            "attach": lambda: sqlite3.Cursor(connection.connection).execute("ATTACH DATABASE ':memory:' AS other"),
        }
        for name, attempt in attempts.items():
            try:
                attempt()
                seen[name] = "written"
            except Exception as exc:
                seen[name] = type(exc).__name__
        seen["child"] = in_thread(lambda: readonly_db.current())
        return seen

    seen = in_thread(work)
    assert seen["info"] == seen["current"] == {"on": True, "why": "--read-only was given"}
    assert seen["count"] == 4
    assert {name: seen[name] for name in ("orm", "cursor", "raw cursor", "raw execute")} == dict.fromkeys(
        ("orm", "cursor", "raw cursor", "raw execute"), "ReadOnlyModeError"
    )
    # Past our cursors, SQLite's authorizer denies it ("not authorized").
    assert seen["bare cursor"] == seen["attach"] == "DatabaseError"
    assert seen["child"] == {"on": True, "why": "--read-only was given"}
    # This thread was never made read-only: its connection is not.
    assert readonly_db.current() is None
    assert in_thread(lambda: readonly_db.current()) is None


def test_a_thread_cannot_turn_off_the_process_read_only_mode() -> None:
    # In a process of its own: the mode, once on for the process, stays on for this test run too.
    code = (
        "import django; django.setup()\n"
        "from mcp_django_bun.sidecar import readonly_db\n"
        "readonly_db.enforce('on', '--read-only was given', 'process')\n"
        "readonly_db.enforce('off', '', 'thread')\n"
        "print(readonly_db.current())\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bookshop.settings", "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, cwd=settings.BASE_DIR
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "{'on': True, 'why': '--read-only was given'}"
