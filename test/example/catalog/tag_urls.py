from django.urls import path

from . import views

urlpatterns = [
    path("<slug:tag>/", views.books_by_tag, name="books-by-tag"),
]
