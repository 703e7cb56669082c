"""The request probe: one request through the example project with Django's test client, and
what it reports. Every probe rolls back (the database is the shared example one); tests that
write or commit do it inside a transaction of their own that they roll back."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from catalog.models import Book, Publisher, Tag
from conftest import EXAMPLE_ROOT, sidecar_streams
from django.core import mail
from django.db import transaction
from django.template.base import Template
from django.test.utils import override_settings

from mcp_django_bun.sidecar import interrupts, logbook, probe
from mcp_django_bun.sidecar.contract import ProbeResult
from mcp_django_bun.sidecar.errors import InvalidArguments, NotFound

VIEWS = str(EXAMPLE_ROOT / "bookshop" / "views.py")
TEMPLATES = EXAMPLE_ROOT / "bookshop" / "templates"


def request(method: str, path: str, **options: Any) -> ProbeResult:
    with sidecar_streams():
        return probe.probe(method, path, **options)


@pytest.fixture(autouse=True, scope="module")
def recording() -> None:
    """Log records are kept, as in a sidecar."""
    logbook.install()


@pytest.fixture
def rolled_back() -> Iterator[None]:
    """The test's own writes (and what a committing probe keeps) are undone after it."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def line_of(text: str) -> int:
    return next(number for number, line in enumerate(Path(VIEWS).read_text().splitlines(), 1) if text in line)


def test_a_get_reports_the_status_the_view_with_its_line_the_templates_in_render_order_and_the_sql():
    result = request("GET", "/")
    assert result["status"] == 200
    assert result["view"] is not None
    assert (result["view"]["view"]["name"], result["view"]["view"]["source_path"]) == ("bookshop.views.home", VIEWS)
    assert result["view"]["view"]["line"] == line_of("def home(")
    assert [(template["name"], template["origin"]) for template in result["templates"]] == [
        ("home.html", str(TEMPLATES / "home.html")),
        ("base.html", str(TEMPLATES / "base.html")),
    ]
    assert result["sql"]["count"] == 1
    assert result["sql"]["queries"][0]["sql"].startswith('SELECT "catalog_book"."id"')
    assert result["transaction"] == {
        "aliases": ["default"],
        "unguarded": [],
        "writes": 0,
        "committed": False,
        "rolled_back": True,
    }


@pytest.mark.usefixtures("rolled_back")
def test_a_query_repeated_in_a_loop_is_grouped_with_its_count_and_flagged_as_likely_n_plus_one():
    publisher = Publisher.objects.create(name="Loop Press")
    for number in range(6):
        Book.objects.create(title=f"Loop {number}", isbn=f"97899900000{number:02d}", price=1, publisher=publisher)
    books = Book.objects.count()
    result = request("GET", "/shelf/")
    publisher_lookups = [group for group in result["sql"]["repeated"] if 'FROM "catalog_publisher"' in group["sql"]]
    assert len(publisher_lookups) == 1
    assert publisher_lookups[0]["count"] == books
    assert publisher_lookups[0]["likely_n_plus_one"] is True
    assert publisher_lookups[0]["sql"].endswith('WHERE "catalog_publisher"."id" = ? LIMIT ?')


def test_a_statement_run_a_few_times_is_grouped_but_not_flagged():
    result = request("GET", "/shelf/")  # the example's 4 books: 4 lookups each
    assert {group["count"] for group in result["sql"]["repeated"]} == {Book.objects.count()}
    assert not any(group["likely_n_plus_one"] for group in result["sql"]["repeated"])


def test_a_view_that_raises_is_a_500_with_the_exception_and_the_projects_line_that_raised():
    result = request("GET", "/debug/boom/")
    assert result["status"] == 500
    exception = result["exception"]
    assert exception is not None
    assert (exception["exc_type"], exception["message"]) == ("ValueError", "the bookshop fell over")
    first_project = next(frame for frame in exception["frames"] if frame["project"])
    assert (first_project["file"], first_project["line"], first_project["function"]) == (
        VIEWS,
        line_of('raise ValueError("the bookshop fell over")'),
        "boom",
    )
    assert exception["origin"] == first_project


def test_library_frames_are_collapsed_into_a_count_with_their_packages():
    frames = request("GET", "/debug/boom/")["exception"]["frames"]  # type: ignore[index]
    assert frames[0]["kind"] == "library"
    assert frames[0]["frames"] >= 1
    assert "django" in frames[0]["packages"]


def test_djangos_debug_page_for_the_exception_is_left_out_of_the_body():
    body = request("GET", "/debug/boom/")["body"]
    assert body is not None
    assert body["text"] is None
    assert "debug page" in body["omitted"]


def test_the_exception_is_logged_as_django_logs_it_in_the_requests_logs():
    logs = request("GET", "/debug/boom/")["logs"]
    assert any(record["logger"] == "django.request" and record["level"] == "ERROR" for record in logs)


def test_a_write_is_rolled_back_and_said_so():
    before = Tag.objects.count()
    result = request("POST", "/tags/new/", data={"name": "Probe Poetry"})
    assert result["status"] == 201
    assert Tag.objects.count() == before
    assert not Tag.objects.filter(name="Probe Poetry").exists()
    assert result["transaction"]["writes"] == 1
    assert result["transaction"]["rolled_back"] is True
    assert any("rolled back" in note for note in result["notes"])


def test_a_database_without_a_transaction_refuses_the_probe_and_nothing_is_sent(monkeypatch: pytest.MonkeyPatch):
    def unreachable(using: str | None = None, **kwargs: Any) -> Any:
        raise OSError("connection refused")

    monkeypatch.setattr(probe.transaction, "atomic", unreachable)
    before = Tag.objects.count()
    with pytest.raises(probe.ProbeRefused, match="no transaction could be opened on default"):
        request("POST", "/tags/new/", data={"name": "Probe Poetry"})
    monkeypatch.undo()
    assert Tag.objects.count() == before


@pytest.mark.usefixtures("rolled_back")
def test_commit_keeps_the_write():
    result = request("POST", "/tags/new/", data={"name": "Probe Poetry"}, commit=True)
    assert result["transaction"]["committed"] is True
    assert Tag.objects.filter(name="Probe Poetry").exists()


def test_mail_is_reported_and_not_sent(tmp_path: Path):
    outbox = tmp_path / "mail"
    had_outbox = hasattr(mail, "outbox")
    backend = "django.core.mail.backends.filebased.EmailBackend"
    with override_settings(EMAIL_BACKEND=backend, EMAIL_FILE_PATH=str(outbox)):
        result = request("POST", "/contact/", data={"subject": "Hello", "message": "Is it open?"})
    assert result["status"] == 200
    assert result["mail"] == [
        {
            "subject": "Contact form: Hello",
            "from_email": "shop@bookshop.example.com",
            "to": ["owner@bookshop.example.com"],
            "cc": [],
            "bcc": [],
            "reply_to": [],
            "body": "Is it open?",
            "attachments": 0,
            "alternatives": [],
        }
    ]
    assert not outbox.exists() or not any(outbox.iterdir())
    assert hasattr(mail, "outbox") == had_outbox


@override_settings(ROOT_URLCONF="probe_fixtures", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_mail_another_thread_sends_meanwhile_goes_to_the_projects_backend():
    mail.outbox = []
    try:
        result = request("GET", "/fixtures/mail-from-two-threads/")
        assert [message["subject"] for message in result["mail"]] == ["from the view"]
        assert [message.subject for message in mail.outbox] == ["from another thread"]
    finally:
        del mail.outbox


def test_a_login_required_view_redirects_anonymous_requests_to_the_login_page():
    result = request("GET", "/account/")
    assert result["status"] == 302
    assert result["headers"]["Location"] == "/admin/login/?next=/account/"
    assert any("follow=true" in note for note in result["notes"])


def test_user_signs_in_by_username_and_the_session_is_rolled_back():
    result = request("GET", "/account/", user="alice")
    assert (result["status"], result["request"]["user"]) == (200, "alice")
    assert result["body"] is not None and result["body"]["text"] == "Signed in as alice"


def test_user_signs_in_by_primary_key():
    from django.contrib.auth import get_user_model

    alice = get_user_model().objects.get(username="alice")
    assert request("GET", "/account/", user=alice.pk)["request"]["user"] == "alice"


def test_an_unknown_user_is_not_found_naming_it_and_some_users():
    with pytest.raises(NotFound, match=r"No user 'nobody'.*alice"):
        request("GET", "/account/", user="nobody")


def test_follow_goes_through_the_redirects_and_lists_them():
    result = request("GET", "/account/", follow=True)
    assert result["redirect_chain"] == [{"url": "/admin/login/?next=/account/", "status": 302}]
    assert (result["status"], result["view"]["view_name"]) == (200, "admin:login")  # type: ignore[index]


def test_data_and_json_together_are_refused():
    with pytest.raises(InvalidArguments, match="not both"):
        request("POST", "/tags/new/", data={"name": "x"}, json_body='{"name": "x"}')


def test_a_json_body_is_sent_and_a_json_response_parsed():
    result = request("POST", "/tags/new/", json_body='{"name": "x"}')
    assert result["status"] == 400  # the view reads a form, not JSON
    assert result["body"] is not None and result["body"]["json"] == {"error": "name is required"}


def test_form_data_of_a_get_goes_in_the_query_string_after_the_paths_own():
    result = request("GET", "/catalog/search/?page=1", data={"q": "Harbour"})
    assert result["status"] == 200
    assert result["sql"]["queries"][0]["params"] == ["%Harbour%"]


def test_a_path_that_resolves_nowhere_is_a_404_with_a_note_naming_the_closest_routes():
    result = request("GET", "/shelff/")
    assert (result["status"], result["view"]) == (404, None)
    assert result["notes"][0].startswith("/shelff/ resolves to no route.")
    assert "/shelf/" in result["notes"][0]


def test_html_is_reduced_to_text_when_asked():
    body = request("GET", "/", html_as_text=True)["body"]
    assert body is not None and body["as_text"] is True
    assert "Welcome to the bookshop" in body["text"]
    assert "<h1>" not in body["text"]


def test_the_body_is_capped_with_the_truncation_marker():
    body = request("GET", "/", body_limit=100)["body"]
    assert body is not None and body["truncated"] is True
    assert body["text"].endswith(f"[... truncated: showing 100 of {body['length']} characters]")


@override_settings(ROOT_URLCONF="probe_fixtures")
def test_what_the_view_prints_is_captured():
    result = request("GET", "/fixtures/chatty/")
    assert result["stdout"] == "the view prints\n"


@override_settings(ROOT_URLCONF="probe_fixtures")
@pytest.mark.usefixtures("sigint_handler")
def test_an_interrupted_request_says_why_keeps_what_it_saw_and_rolls_back():
    before = Tag.objects.count()
    thread = threading.Thread(target=lambda: (time.sleep(0.5), interrupts.request_interrupt("test:probe", "timeout")))
    thread.start()
    with interrupts.interruptible("test:probe"):
        result = request("GET", "/fixtures/endless/", commit=True, timeout=0.5)
    thread.join()
    assert (result["status"], result.get("interrupted")) == (None, "timeout")
    assert result["sql"]["queries"][0]["sql"].startswith('INSERT INTO "catalog_tag"')
    assert result["transaction"]["committed"] is False
    assert Tag.objects.count() == before
    assert any("timed out after 0.5 s" in note for note in result["notes"])


def test_templates_are_reported_without_leaving_the_test_runners_instrumentation_behind():
    saved = Template._render
    request("GET", "/")
    assert Template._render is saved


@pytest.mark.parametrize(
    ("sql", "shape"),
    [
        ('SELECT "a" FROM "t" WHERE "id" = %s LIMIT 21', 'SELECT "a" FROM "t" WHERE "id" = ? LIMIT ?'),
        ("SELECT * FROM t WHERE name = 'x' AND n IN (%s, %s, %s)", "SELECT * FROM t WHERE name = ? AND n IN (...)"),
        ('SAVEPOINT "s140_x1"', 'SAVEPOINT "s140_x1"'),
        ("SELECT  1\n  FROM t2", "SELECT ? FROM t2"),
    ],
)
def test_normalize_sql_strips_values_and_keeps_names(sql: str, shape: str):
    assert probe.normalize_sql(sql) == shape


def test_html_to_text_keeps_what_a_reader_sees():
    html = "<html><head><title>T</title><style>p{}</style></head><body><h1>Hi</h1><ul><li>a</li><li>b</li></ul></body>"
    assert probe.html_to_text(html) == "Hi\n- a\n- b"
