"""python -m mcp_django_bun.doctor: the checks of ``mcp-django doctor`` run in the project's Python.

A broken project can't be set up in this (already set-up) test process, so most tests run the module
in a process of its own on a small project made in ``tmp_path``, as ``mcp-django doctor`` runs it,
and read the JSON lines it writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from mcp_django_bun import doctor

PY_ROOT = Path(__file__).resolve().parents[2] / "py"

SETTINGS = """
SECRET_KEY = "not-secret"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DB_NAME}}
ROOT_URLCONF = "tinysite.urls"
USE_TZ = True
"""


def make_project(
    root: Path, settings: str = SETTINGS, db_name: str = ":memory:", urls: str = "urlpatterns = []\n"
) -> Path:
    package = root / "tinysite"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(f"DB_NAME = {db_name!r}\n{settings}")
    (package / "urls.py").write_text(urls)
    return root


def run_doctor(
    root: Path, settings_module: str = "tinysite.settings", timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(PY_ROOT), "DJANGO_SETTINGS_MODULE": settings_module}
    return subprocess.run(
        [sys.executable, "-X", "utf8", "-u", "-m", "mcp_django_bun.doctor"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def verdicts(run: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    return {line["name"]: line for line in lines if "name" in line}


def test_every_check_passes_on_a_sound_project(tmp_path: Path) -> None:
    run = run_doctor(make_project(tmp_path))
    assert run.returncode == 0, run.stderr
    found = verdicts(run)
    assert list(found) == ["django", "settings", "apps", "database default", "urlconf"]
    assert {line["status"] for line in found.values()} == {"ok"}


def test_each_verdict_follows_the_announcement_of_its_check(tmp_path: Path) -> None:
    lines = [json.loads(line) for line in run_doctor(make_project(tmp_path)).stdout.splitlines()]
    for index, line in enumerate(lines):
        if "name" in line and line["status"] != "skip":
            assert lines[index - 1] == {"begin": line["name"]}


def test_output_of_the_project_goes_to_stderr_not_into_the_report(tmp_path: Path) -> None:
    noisy = SETTINGS + 'print("settings loaded")\nimport os\nos.write(1, b"raw bytes on fd 1\\n")\n'
    run = run_doctor(make_project(tmp_path, noisy))
    assert all(json.loads(line) for line in run.stdout.splitlines())
    assert "settings loaded" in run.stderr
    assert "raw bytes on fd 1" in run.stderr


def test_settings_that_raise_fail_with_the_exception_and_its_line(tmp_path: Path) -> None:
    run = run_doctor(make_project(tmp_path, SETTINGS + 'raise RuntimeError("the\\nbad   thing")\n'))
    settings = verdicts(run)["settings"]
    assert settings["status"] == "fail"
    assert settings["detail"] == "tinysite.settings raises RuntimeError: the bad thing (tinysite/settings.py:8)"
    assert "manage.py check" in settings["fix"]


def test_failed_settings_skip_the_checks_that_need_them(tmp_path: Path) -> None:
    found = verdicts(run_doctor(make_project(tmp_path, SETTINGS + "1 / 0\n")))
    assert [found[name]["status"] for name in ("apps", "database", "urlconf")] == ["skip", "skip", "skip"]


def test_settings_module_not_on_the_path_says_to_pass_settings_or_pythonpath(tmp_path: Path) -> None:
    settings = verdicts(run_doctor(make_project(tmp_path), "elsewhere.settings"))["settings"]
    assert settings["status"] == "fail"
    assert "no module elsewhere.settings" in settings["detail"]
    assert "--settings" in settings["fix"] and "--pythonpath" in settings["fix"]


def test_app_that_is_not_installed_names_the_missing_package(tmp_path: Path) -> None:
    broken = SETTINGS + 'INSTALLED_APPS = INSTALLED_APPS + ["debug_toolbar_not_here"]\n'
    apps = verdicts(run_doctor(make_project(tmp_path, broken)))["apps"]
    assert apps["status"] == "fail"
    assert "ModuleNotFoundError" in apps["detail"]
    assert "debug_toolbar_not_here" in apps["fix"]


def test_database_in_a_missing_folder_fails_naming_the_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "db.sqlite3"
    database = verdicts(run_doctor(make_project(tmp_path, db_name=str(missing))))["database default"]
    assert database["status"] == "fail"
    assert f"the folder {missing.parent} does not exist" in database["detail"]
    assert "NAME" in database["fix"]


def test_database_that_cannot_be_opened_fails_with_the_driver_error(tmp_path: Path) -> None:
    folder_not_file = tmp_path / "db.sqlite3"
    folder_not_file.mkdir()
    database = verdicts(run_doctor(make_project(tmp_path, db_name=str(folder_not_file))))["database default"]
    assert database["status"] == "fail"
    assert "OperationalError: unable to open database file" in database["detail"]


def test_missing_database_file_warns_and_is_not_created(tmp_path: Path) -> None:
    future = tmp_path / "db.sqlite3"
    database = verdicts(run_doctor(make_project(tmp_path, db_name=str(future))))["database default"]
    assert database["status"] == "warn"
    assert "migrate" in database["fix"]
    assert not future.exists()


def test_every_database_alias_is_checked(tmp_path: Path) -> None:
    two = SETTINGS + 'DATABASES["other"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}\n'
    found = verdicts(run_doctor(make_project(tmp_path, two)))
    assert found["database default"]["status"] == found["database other"]["status"] == "ok"


def test_urlconf_that_raises_fails_with_the_exception(tmp_path: Path) -> None:
    run = run_doctor(make_project(tmp_path, urls='raise ImportError("no views here")\n'))
    urlconf = verdicts(run)["urlconf"]
    assert urlconf["status"] == "fail"
    assert urlconf["detail"] == "tinysite.urls raises ImportError: no views here (tinysite/urls.py:1)"


def test_threads_the_project_leaves_running_do_not_keep_the_process_alive(tmp_path: Path) -> None:
    lingering = SETTINGS + "import threading, time\nthreading.Thread(target=time.sleep, args=(60,)).start()\n"
    started = time.monotonic()
    run = run_doctor(make_project(tmp_path, lingering), timeout=20)
    assert run.returncode == 0
    assert time.monotonic() - started < 15


def test_django_check_gives_the_version_in_this_interpreter() -> None:
    import django

    result = doctor.check_django()
    assert result.status == "ok"
    assert result.detail.startswith(f"Django {django.get_version()} ")


def test_one_line_collapses_whitespace_and_cuts_long_messages() -> None:
    assert doctor.one_line(ValueError("a\n  b")) == "ValueError: a b"
    assert doctor.one_line(KeyError()) == "KeyError"
    assert len(doctor.one_line(ValueError("x" * 1000))) == doctor.MESSAGE_LIMIT


def test_database_description_leaves_out_the_credentials() -> None:
    config = {"ENGINE": "django.db.backends.postgresql", "NAME": "shop", "HOST": "db", "PORT": "5432", "PASSWORD": "pw"}
    assert doctor._describe_database(config) == "postgresql shop on db:5432"
