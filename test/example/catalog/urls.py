from django.urls import include, path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.BookListView.as_view(), name="book-list"),
    path("books/<int:pk>/", views.BookDetailView.as_view(), name="book-detail"),
    path("books/<int:pk>/edit/", views.BookUpdateView.as_view(), name="book-edit"),
    path("authors/<slug:slug>/", views.author_detail, name="author-detail"),
    path("search/", views.search, name="search"),
    path("tags/", include("catalog.tag_urls")),
]
