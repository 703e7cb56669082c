"""list_routes on the example project: patterns, names, namespaces, views, and the filters."""

from __future__ import annotations

from typing import Any

from mcp_django_bun.sidecar.introspection.routes import list_routes


def route(name: str, namespace: str | None = None) -> dict[str, Any]:
    (found,) = [entry for entry in list_routes()["routes"] if (entry["name"], entry["namespace"]) == (name, namespace)]
    return found


def test_path_route_is_joined_under_its_include_with_its_namespace_and_parameters():
    detail = route("book-detail", "catalog")
    assert detail["pattern"] == "catalog/books/<int:pk>/"
    assert detail["namespace"] == "catalog"
    assert detail["parameters"] == ["pk"]


def test_regex_route_loses_its_anchors_and_keeps_its_named_groups():
    archive = route("archive")
    assert archive["pattern"] == "archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/"
    assert archive["parameters"] == ["year", "month"]


def test_function_view_is_named_with_the_methods_of_its_decorator():
    view = route("archive")["view"]
    assert view["name"] == "bookshop.views.archive"
    assert view["type"] == "function"
    assert view["methods"] == ["GET", "HEAD"]  # require_safe
    assert view["source_path"].endswith("bookshop/views.py")


def test_stacked_decorators_still_give_the_methods():
    assert route("order-detail", "orders")["view"]["methods"] == ["GET", "POST"]  # under login_required


def test_class_view_lists_its_handlers_and_head_for_get():
    view = route("checkout", "orders")["view"]
    assert view["name"] == "orders.views.CheckoutView"
    assert view["type"] == "class"
    assert view["methods"] == ["GET", "POST"]  # http_method_names has no "head"
    assert view["class_bases"] == ["View"]


def test_route_without_a_namespace_has_none():
    assert route("home")["namespace"] is None


def test_method_filter_keeps_routes_that_answer_it():
    methods = [entry["view"]["methods"] for entry in list_routes(method="post")["routes"]]
    assert methods and all(not found or "POST" in found for found in methods)


def test_name_filter_matches_part_of_the_name():
    names = {entry["name"] for entry in list_routes(name="order-")["routes"]}
    assert names == {"order-list", "order-detail", "order-cancel"}


def test_pattern_filter_matches_part_of_the_full_pattern():
    patterns = [entry["pattern"] for entry in list_routes(pattern="books/")["routes"]]
    assert patterns and all("books/" in pattern for pattern in patterns)


def test_count_is_what_passed_the_filters_and_total_is_every_route():
    everything, filtered = list_routes(), list_routes(name="order-")
    assert everything["count"] == everything["total"] == filtered["total"]
    assert filtered["count"] == len(filtered["routes"]) == 3
