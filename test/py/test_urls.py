"""resolve_url and reverse_url on the example project."""

from __future__ import annotations

import pytest

from mcp_django_bun.sidecar.errors import NotFound
from mcp_django_bun.sidecar.introspection.urls import resolve_path, reverse_name


def test_a_path_resolves_to_its_route_view_and_converted_kwargs():
    resolved = resolve_path("/catalog/books/3/")
    assert resolved["view_name"] == "catalog:book-detail"
    assert resolved["url_name"] == "book-detail"
    assert resolved["route"] == "catalog/books/<int:pk>/"
    assert resolved["kwargs"] == {"pk": 3}
    assert resolved["view"]["name"] == "catalog.views.BookDetailView"


def test_the_query_string_is_ignored():
    assert resolve_path("catalog/books/3/?page=2")["path"] == "/catalog/books/3/"


def test_regex_groups_are_strings():
    assert resolve_path("/archive/2024/05/")["kwargs"] == {"year": "2024", "month": "05"}


def test_an_unresolvable_path_names_the_closest_route_first():
    with pytest.raises(NotFound, match=r"Closest routes: /catalog/books/<int:pk>/ \(name 'catalog:book-detail'\)"):
        resolve_path("/catalog/book/3/")


def test_a_name_reverses_to_its_path():
    assert reverse_name("catalog:book-detail", kwargs={"pk": 3}) == {
        "name": "catalog:book-detail",
        "path": "/catalog/books/3/",
        "route": "catalog/books/<int:pk>/",
    }


def test_missing_arguments_say_what_the_route_takes():
    with pytest.raises(
        NotFound, match=r"It takes: /catalog/books/<int:pk>/ \(name 'catalog:book-detail'\), parameters: pk"
    ):
        reverse_name("catalog:book-detail")


def test_an_unknown_name_lists_close_names():
    with pytest.raises(NotFound, match="Close names: catalog:book-detail"):
        reverse_name("catalog:book-detial", kwargs={"pk": 1})


def test_args_and_kwargs_together_are_refused():
    with pytest.raises(NotFound, match="not both"):
        reverse_name("catalog:book-detail", args=[1], kwargs={"pk": 1})
