from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import viewsets

app_name = "v1"

router = DefaultRouter()
router.register("books", viewsets.BookViewSet, basename="book")

urlpatterns = [
    path("users/", include("api.user_urls", namespace="users")),
    path("", include(router.urls)),
]
