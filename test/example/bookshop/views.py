from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from catalog.models import Book, Tag

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


# --- Views the request tool's tests probe: a crash, a page with an N+1 query loop, a write,
# an email, and a page behind a login.

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.mail import send_mail  # noqa: E402
from django.utils.text import slugify  # noqa: E402


def boom(request):
    """A view with a bug: it always raises."""
    raise ValueError("the bookshop fell over")


@require_safe
def shelf(request):
    """Every book with its publisher and authors, without select_related or prefetch_related:
    a query for each book's publisher and another for its authors (an N+1 loop)."""
    return render(request, "shelf.html", {"books": Book.objects.order_by("title")})


@require_POST
def create_tag(request):
    """Creates a tag from the form field ``name``."""
    name = request.POST.get("name", "").strip()
    if not name:
        return JsonResponse({"error": "name is required"}, status=400)
    tag = Tag.objects.create(name=name, slug=slugify(name))
    return JsonResponse({"id": tag.pk, "name": tag.name, "slug": tag.slug}, status=201)


@require_POST
def contact(request):
    """Mails the shop's owner what the contact form says."""
    send_mail(
        subject=f"Contact form: {request.POST.get('subject', 'no subject')}",
        message=request.POST.get("message", ""),
        from_email="shop@bookshop.example.com",
        recipient_list=["owner@bookshop.example.com"],
    )
    return HttpResponse("Thanks, we'll be in touch.", content_type="text/plain")


@login_required
def account(request):
    """The signed-in user's page."""
    return HttpResponse(f"Signed in as {request.user.get_username()}", content_type="text/plain")
