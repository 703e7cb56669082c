"""Management commands: the list, one command's help as data, and runs as manage.py would do them.

The example project's own commands (read-only ones: it is the shared database) and the commands
of ``command_fixtures`` (next to this file), added to ``get_commands()`` for each test.
"""

from __future__ import annotations

import io
import sys
import threading
import time
from typing import Any

import pytest
from conftest import sidecar_streams
from django.core import management

from mcp_django_bun.sidecar import commands, interrupts
from mcp_django_bun.sidecar.contract import CommandArgument, CommandRunResult
from mcp_django_bun.sidecar.errors import NotFound

FIXTURE_APP = "command_fixtures"
FIXTURES = ("ask", "broken", "chatty", "endless", "exits", "explode", "parsed")


@pytest.fixture(autouse=True)
def fixture_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    known = management.get_commands()
    monkeypatch.setattr(management, "get_commands", lambda: {**known, **dict.fromkeys(FIXTURES, FIXTURE_APP)})


def run(name: str, *argv: str, limit: int = 10_000, timeout: float = 30.0) -> CommandRunResult:
    with sidecar_streams():
        return commands.run_command(name, list(argv), limit, timeout)


def argument(name: str, dest: str) -> CommandArgument:
    return next(argument for argument in commands.command_help(name)["arguments"] if argument["dest"] == dest)


def listed(name: str) -> dict[str, Any]:
    return next(dict(command) for command in commands.list_commands() if command["name"] == name)


# --- list ------------------------------------------------------------------------------------


def test_list_has_each_command_with_its_app_and_the_first_line_of_its_help():
    assert listed("seed_catalog") == {
        "name": "seed_catalog",
        "app": "catalog",
        "help": "Create a small set of demo data. Safe to run more than once.",
        "error": None,
    }
    assert listed("migrate")["app"] == "django.core"


def test_list_gives_only_the_first_line_of_a_longer_help():
    assert listed("parsed")["help"] == "Shows what command_help makes of a parser."


def test_list_shows_a_command_that_fails_to_import_with_its_error():
    assert listed("broken") == {
        "name": "broken",
        "app": FIXTURE_APP,
        "help": "",
        "error": "ImportError: this command's module is broken",
    }


def test_list_is_sorted_by_name():
    names = [command["name"] for command in commands.list_commands()]
    assert names == sorted(names)


# --- help ------------------------------------------------------------------------------------


def test_help_gives_the_usage_line_and_the_whole_description():
    described = commands.command_help("parsed")
    assert described["usage"].startswith("usage: manage.py parsed [-h]")
    assert described["description"] == "Shows what command_help makes of a parser.\n\nA second paragraph."
    assert (described["name"], described["app"]) == ("parsed", FIXTURE_APP)


def test_help_describes_a_positional_argument():
    assert argument("parsed", "target") == {
        "flags": [],
        "dest": "target",
        "positional": True,
        "required": True,
        "help": "What to act on.",
        "default": None,
        "choices": None,
        "nargs": None,
        "type": None,
        "action": "store",
        "metavar": None,
        "common": False,
    }


def test_help_gives_nargs_and_an_optional_positional_is_not_required():
    assert (argument("parsed", "extra")["nargs"], argument("parsed", "extra")["required"]) == ("*", False)


def test_help_gives_choices_and_fills_the_default_into_the_help():
    mode = argument("parsed", "mode")
    assert (mode["choices"], mode["default"], mode["help"]) == (["fast", "slow"], "fast", "How (default: fast).")


def test_help_names_each_action_kind_as_argparse_registers_it():
    kinds = {dest: argument("parsed", dest)["action"] for dest in ("tag", "loud", "traceback", "help", "version")}
    assert kinds == {"tag": "append", "loud": "count", "traceback": "store_true", "help": "help", "version": "version"}


def test_help_gives_the_type_by_name():
    assert argument("parsed", "when")["type"] == "float"


def test_help_keeps_a_list_default_and_gives_another_object_by_repr():
    assert argument("parsed", "tag")["default"] == ["a", "b"]
    assert argument("parsed", "when")["default"].startswith("<object object at")


def test_help_leaves_out_hidden_options():
    assert "secret" not in [argument["dest"] for argument in commands.command_help("parsed")["arguments"]]


def test_help_marks_the_options_every_command_has_as_common():
    assert argument("seed_catalog", "verbosity")["common"] is True
    assert argument("seed_catalog", "books")["common"] is False


def test_help_of_seed_catalog_lists_its_own_options():
    assert argument("seed_catalog", "books")["flags"] == ["--books"]
    assert argument("seed_catalog", "clear")["action"] == "store_true"


def test_help_of_an_unknown_command_names_close_ones():
    with pytest.raises(NotFound, match="No management command 'seed_catalgo'. Close ones: seed_catalog."):
        commands.command_help("seed_catalgo")


def test_an_unknown_command_with_nothing_close_says_so():
    with pytest.raises(NotFound, match="none is close"):
        commands.command_help("zzzzzzzzzz")


# --- run -------------------------------------------------------------------------------------


def test_run_returns_status_0_and_the_output():
    result = run("showmigrations", "catalog")
    assert {key: result[key] for key in ("command", "args", "status", "stdout", "stderr", "error")} == {
        "command": "showmigrations",
        "args": ["catalog"],
        "status": 0,
        "stdout": "catalog\n [X] 0001_initial\n",
        "stderr": "",
        "error": None,
    }


def test_run_says_how_long_it_took_in_seconds():
    result = run("showmigrations", "catalog")
    assert 0 <= result["duration"] < 30


def test_a_command_error_is_its_return_code_with_its_message():
    result = run("sqlmigrate", "catalog", "9999")
    assert result["status"] == 1
    assert result["error"] == "Cannot find a migration matching '9999' from app 'catalog'. Is it in INSTALLED_APPS?"
    assert result["stderr"] == f"CommandError: {result['error']}\n"


def test_traceback_option_shows_a_command_error_as_a_traceback():
    result = run("sqlmigrate", "catalog", "9999", "--traceback")
    assert result["status"] == 1
    assert result["stderr"].startswith("Traceback (most recent call last):\n  File ")
    assert result["stderr"].endswith(
        "CommandError: Cannot find a migration matching '9999' from app 'catalog'. Is it in INSTALLED_APPS?\n"
    )


def test_a_usage_error_is_status_2_with_the_usage_on_stderr():
    result = run("seed_catalog", "--books", "many")
    assert (result["status"], result["error"]) == (2, "argument --books: invalid int value: 'many'")
    assert result["stderr"].startswith("usage: manage.py seed_catalog")
    assert result["stderr"].endswith("manage.py seed_catalog: error: argument --books: invalid int value: 'many'\n")


def test_a_missing_positional_argument_is_a_usage_error():
    assert run("parsed")["status"] == 2


def test_the_help_option_prints_the_help_with_status_0():
    result = run("seed_catalog", "--help")
    assert (result["status"], result["error"]) == (0, None)
    assert result["stdout"].startswith("usage: manage.py seed_catalog")


def test_an_exception_is_status_1_with_its_traceback_on_stderr():
    result = run("explode")
    assert (result["status"], result["error"]) == (1, "ValueError: boom")
    assert result["stderr"].startswith("Traceback (most recent call last):\n  File ")
    assert '    raise ValueError("boom")\n' in result["stderr"]
    assert result["stderr"].endswith("ValueError: boom\n")
    assert "mcp_django_bun" not in result["stderr"]


def test_a_command_that_fails_to_import_is_status_1_with_the_import_error():
    result = run("broken")
    assert (result["status"], result["error"]) == (1, "ImportError: this command's module is broken")


def test_sys_exit_with_a_number_gives_that_status():
    result = run("exits", "3")
    assert (result["status"], result["error"], result["stderr"]) == (3, "The command exited with status 3.", "")


def test_sys_exit_with_a_message_is_status_1_with_the_message_on_stderr():
    result = run("exits", "bye")
    assert (result["status"], result["error"], result["stderr"]) == (1, "bye", "bye\n")


def test_sys_exit_0_is_success():
    assert (run("exits", "0")["status"], run("exits", "0")["error"]) == (0, None)


def test_input_gets_end_of_file_with_a_note_naming_the_noinput_option():
    result = run("ask")
    assert (result["status"], result["error"], result["stdout"]) == (
        1,
        "EOFError: EOF when reading a line",
        "Proceed? ",
    )
    assert result["stderr"].endswith(
        "[mcp-django] The command asked for input, and there is no terminal here: its stdin is at end of file. "
        "Run it with --noinput to go without prompts.\n"
    )


def test_a_command_run_without_prompts_gets_no_note():
    result = run("ask", "--noinput")
    assert (result["status"], result["stdout"], result["stderr"]) == (0, "done\n", "")


def test_a_password_prompt_gets_end_of_file_with_the_note():
    result = run("changepassword", "alice")
    assert (result["status"], result["error"]) == (
        1,
        "EOFError: no terminal to read a password from: stdin is at end of file",
    )
    assert "[mcp-django] The command asked for input" in result["stderr"]


def test_createsuperuser_without_noinput_skips_its_prompts_and_the_note_names_noinput():
    result = run("createsuperuser")
    assert result["status"] == 0
    assert result["stdout"].startswith("Superuser creation skipped due to not running in a TTY.")
    assert "Run it with --noinput" in result["stderr"]


def test_another_settings_module_is_refused_as_a_usage_error():
    result = run("check", "--settings", "other.settings")
    assert result["status"] == 2
    assert result["error"] is not None and result["error"].startswith("--settings other.settings can't apply here")


def test_the_settings_module_in_use_is_accepted():
    assert run("check", "--settings", "bookshop.settings")["status"] == 0


def test_a_directory_not_on_the_path_is_refused_as_a_usage_error():
    assert run("check", "--pythonpath", "/nowhere/at/all")["status"] == 2


def test_output_beyond_the_limit_is_cut_with_the_full_size():
    assert run("chatty", limit=100)["stdout"].endswith("\n[... truncated: showing 100 of 1001 characters]")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_output_has_no_colour_codes_when_the_real_streams_are_terminals(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "stdout", Terminal())
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert run("showmigrations", "catalog")["stdout"] == "catalog\n [X] 0001_initial\n"


@pytest.mark.usefixtures("sigint_handler")
def test_an_interrupted_command_says_why_with_status_130_and_keeps_its_output():
    thread = threading.Thread(target=lambda: (time.sleep(0.2), interrupts.request_interrupt("test:endless", "timeout")))
    thread.start()
    with interrupts.interruptible("test:endless"):
        result = run("endless", timeout=0.2)
    thread.join()
    assert (result["status"], result.get("interrupted"), result["stdout"]) == (130, "timeout", "looping\n")
    assert result["error"] is not None and result["error"].startswith("The command timed out after 0.2 s")
