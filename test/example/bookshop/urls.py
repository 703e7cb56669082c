"""URL configuration for the bookshop project."""

import functools

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView, TemplateView

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", views.home, name="home"),
    path("about/", TemplateView.as_view(template_name="about.html"), name="about"),
    path(
        "old-catalog/",
        RedirectView.as_view(pattern_name="catalog:book-list", permanent=True),
        name="old-catalog",
    ),
    path("health/", functools.partial(views.health, verbose=False), name="health"),
    path("ping/", views.Ping(), name="ping"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        views.archive,
        name="archive",
    ),
    path("catalog/", include("catalog.urls")),
    path("orders/", include(("orders.urls", "orders"), namespace="orders")),
    path("api/", include("api.urls")),
    path("debug/boom/", views.boom, name="boom"),
    path("shelf/", views.shelf, name="shelf"),
    path("tags/new/", views.create_tag, name="tag-create"),
    path("contact/", views.contact, name="contact"),
    path("account/", views.account, name="account"),
]
