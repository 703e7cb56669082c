from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from catalog.models import Book

# How many times the home page has been served by this process.
HOME_VISITS = 0


def home(request):
    global HOME_VISITS
    HOME_VISITS += 1
    latest = Book.objects.select_related("publisher").order_by("-published")[:5]
    return render(request, "home.html", {"latest_books": latest})


def health(request, verbose=True):
    data = {"status": "ok"}
    if verbose:
        data["database"] = connection.vendor
        data["books"] = Book.objects.count()
    return JsonResponse(data)


class Ping:
    """A callable object used directly as a view."""

    def __call__(self, request):
        return HttpResponse("pong", content_type="text/plain")


@require_safe
def archive(request, year, month):
    books = Book.objects.filter(published__year=year, published__month=month)
    return render(
        request,
        "archive.html",
        {"year": year, "month": month, "book_list": books},
    )
