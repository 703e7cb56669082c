"""The log records and request exceptions the sidecar keeps for ``logs`` and ``last_error``."""

from __future__ import annotations

import collections
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLE_ROOT
from django.contrib.auth import get_user_model
from django.core.signals import got_request_exception
from django.test import RequestFactory

from mcp_django_bun.sidecar import logbook
from mcp_django_bun.sidecar.errors import InvalidArguments


@pytest.fixture(autouse=True)
def book(monkeypatch: pytest.MonkeyPatch) -> Iterator[logbook._Book]:
    """An empty buffer for each test, recording since now."""
    logbook.install()
    fresh = logbook._Book()
    fresh.started = time.time()
    monkeypatch.setattr(logbook, "_book", fresh)
    yield fresh


def ours() -> list[logging.Handler]:
    return [handler for handler in logging.getLogger().handlers if getattr(handler, "mcp_django_logbook", False)]


def test_a_record_is_kept_with_its_time_level_logger_message_and_place():
    logging.getLogger("catalog.stock").warning("only %d left", 2)
    [record] = logbook.list_records()["records"]
    assert {key: record[key] for key in ("level", "logger", "message", "exception")} == {
        "level": "WARNING",
        "logger": "catalog.stock",
        "message": "only 2 left",
        "exception": None,
    }
    assert record["file"] == __file__
    assert record["time"].endswith("+00:00")


def test_an_exception_logged_keeps_its_traceback_text():
    try:
        raise KeyError("sku")
    except KeyError:
        logging.getLogger("catalog").exception("lookup failed")
    [record] = logbook.list_records()["records"]
    assert record["exception"].startswith("Traceback (most recent call last):")
    assert record["exception"].endswith("KeyError: 'sku'")


def test_levels_are_the_projects_a_record_its_logger_drops_is_not_kept():
    logging.getLogger("catalog.quiet").info("below the root's WARNING")
    assert logbook.list_records()["records"] == []


def test_installing_twice_adds_one_handler_and_changes_no_level():
    levels = {name: logging.getLogger(name).level for name in ("", "django", "django.request")}
    logbook.install()
    logbook.install()
    assert len(ours()) == 1
    assert {name: logging.getLogger(name).level for name in levels} == levels


def test_django_request_is_kept_even_when_the_project_stops_it_propagating(monkeypatch: pytest.MonkeyPatch):
    logger = logging.getLogger("django.request")
    monkeypatch.setattr(logger, "propagate", False)
    monkeypatch.setattr(logger, "handlers", [])
    logbook.install()
    logger.error("Internal Server Error: /x/")
    assert [record["logger"] for record in logbook.list_records()["records"]] == ["django.request"]


def test_level_is_a_minimum():
    logging.getLogger("catalog").warning("warned")
    logging.getLogger("catalog").error("failed")
    logging.getLogger("catalog").critical("down")
    assert [record["message"] for record in logbook.list_records(level="error")["records"]] == ["failed", "down"]


def test_an_unknown_level_is_refused():
    with pytest.raises(InvalidArguments, match="level must be one of"):
        logbook.list_records(level="LOUD")


def test_logger_is_a_prefix_of_the_logger_hierarchy():
    for name in ("catalog", "catalog.stock", "catalogue"):
        logging.getLogger(name).warning(name)
    assert [record["logger"] for record in logbook.list_records(logger="catalog")["records"]] == [
        "catalog",
        "catalog.stock",
    ]


def test_contains_searches_the_message_and_the_exception_ignoring_case():
    logging.getLogger("catalog").warning("Stock LOW")
    try:
        raise ValueError("deep inside")
    except ValueError:
        logging.getLogger("catalog").exception("failed")
    assert [record["message"] for record in logbook.list_records(contains="stock low")["records"]] == ["Stock LOW"]
    assert [record["message"] for record in logbook.list_records(contains="DEEP")["records"]] == ["failed"]


def test_since_keeps_the_records_from_then_on(book: logbook._Book):
    logging.getLogger("catalog").warning("old")
    book.records[-1] = logbook._Entry(book.records[-1].seq, time.time() - 600, logging.WARNING, 0, {"message": "old"})
    logging.getLogger("catalog").warning("new")
    assert [record["message"] for record in logbook.list_records(since=time.time() - 60)["records"]] == ["new"]


def test_limit_keeps_the_newest_last_and_counts_the_matches():
    for number in range(5):
        logging.getLogger("catalog").warning("record %d", number)
    listed = logbook.list_records(limit=2)
    assert [record["message"] for record in listed["records"]] == ["record 3", "record 4"]
    assert (listed["count"], listed["matched"], listed["buffered"]) == (2, 5, 5)


def test_the_buffer_keeps_the_newest_records_and_counts_those_dropped(book: logbook._Book):
    book.records = collections.deque(maxlen=3)
    for number in range(5):
        logging.getLogger("catalog").warning("record %d", number)
    listed = logbook.list_records()
    assert [record["message"] for record in listed["records"]] == ["record 2", "record 3", "record 4"]
    assert listed["dropped"] == 2


def test_a_long_message_is_capped():
    logging.getLogger("catalog").warning("x" * (logbook.RECORD_MESSAGE_LIMIT + 10))
    [record] = logbook.list_records()["records"]
    assert record["message"].endswith(f"[... truncated: showing {logbook.RECORD_MESSAGE_LIMIT} of 4010 characters]")


def raise_in_a_request(path: str, user: object = None) -> None:
    request = RequestFactory().post(path)
    if user is not None:
        request.user = user
    try:
        raise RuntimeError("checkout failed")
    except RuntimeError:
        got_request_exception.send(sender=None, request=request)


def test_an_unhandled_request_exception_is_the_last_error_with_method_path_and_user():
    raise_in_a_request("/orders/checkout/?step=2", user=get_user_model()(username="alice"))
    found = logbook.last_error()
    error = found["error"]
    assert (error["method"], error["path"], error["user"], error["source"]) == (
        "POST",
        "/orders/checkout/?step=2",
        "alice",
        "request",
    )
    assert (error["exception"]["exc_type"], error["exception"]["message"]) == ("RuntimeError", "checkout failed")
    assert found["recorded"] == 1


def test_an_anonymous_requests_user_is_none():
    raise_in_a_request("/")
    assert logbook.last_error()["error"]["user"] is None


def test_the_last_error_is_the_newest():
    raise_in_a_request("/first/")
    raise_in_a_request("/second/")
    assert (logbook.last_error()["error"]["path"], logbook.last_error()["recorded"]) == ("/second/", 2)


def test_no_error_recorded_is_none_with_the_start_of_recording():
    found = logbook.last_error()
    assert found["error"] is None
    assert found["recorded"] == 0
    assert found["recording_since"] is not None


def test_a_probes_exception_is_marked_as_the_probes():
    with logbook.probing():
        raise_in_a_request("/debug/boom/")
    assert logbook.last_error()["error"]["source"] == "probe"


def test_project_frames_are_marked_and_library_frames_collapsed_with_their_packages(monkeypatch: pytest.MonkeyPatch):
    import json

    monkeypatch.setattr(logbook, "project_root", lambda: os.path.dirname(__file__))  # these tests are "the project"

    def project_code() -> None:
        json.loads("{")  # raises in the standard library

    try:
        project_code()
    except ValueError as exc:
        described = logbook.describe_error(exc)
    frames = described["frames"]
    assert [(frame["kind"], frame["project"]) for frame in frames] == [
        ("frame", True),
        ("frame", True),
        ("library", False),
        ("frame", False),  # the frame that raised is shown in full, library or not
    ]
    assert (frames[1]["function"], frames[1]["code"]) == (
        "project_code",
        'json.loads("{")  # raises in the standard library',
    )
    assert frames[2]["packages"] == ["python"]
    assert described["origin"] == frames[1]


def test_a_file_is_the_projects_under_its_folder_but_not_in_a_virtualenv_or_site_packages_there():
    roots = [str(EXAMPLE_ROOT)]
    assert logbook.is_project_file(str(EXAMPLE_ROOT / "bookshop" / "views.py"), roots)
    assert not logbook.is_project_file(str(EXAMPLE_ROOT / ".venv" / "lib" / "site-packages" / "x.py"), roots)
    assert not logbook.is_project_file(os.path.join(sys.prefix, "lib", "x.py"), [os.path.dirname(sys.prefix)])
    assert not logbook.is_project_file("/elsewhere/views.py", roots)


def test_log_files_are_those_of_the_file_handlers_tailed_to_the_last_lines(tmp_path: Path):
    path = tmp_path / "shop.log"
    path.write_text("".join(f"line {number}\n" for number in range(10)))
    logger = logging.getLogger("catalog.files")
    handler = logging.FileHandler(path)
    logger.addHandler(handler)
    try:
        [tail] = [found for found in logbook.tail_files(limit=3) if found["path"] == str(path)]
        assert tail["lines"] == ["line 7", "line 8", "line 9"]
        assert tail["error"] is None
        [matching] = [found for found in logbook.tail_files(contains="LINE 2") if found["path"] == str(path)]
        assert matching["lines"] == ["line 2"]
    finally:
        logger.removeHandler(handler)
        handler.close()
