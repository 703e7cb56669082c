from django.shortcuts import get_object_or_404, redirect, render
from django.views import generic
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET, require_http_methods

from .models import Author, Book, Tag


class BookListView(generic.ListView):
    model = Book
    paginate_by = 20

    def get_queryset(self):
        return Book.objects.select_related("publisher")


class BookDetailView(generic.DetailView):
    model = Book


class BookUpdateView(generic.UpdateView):
    model = Book
    fields = ["title", "price", "published", "tags"]


@require_GET
def author_detail(request, slug):
    author = get_object_or_404(Author, name__iexact=slug.replace("-", " "))
    return render(request, "catalog/author_detail.html", {"author": author})


@cache_page(60)
@require_GET
def search(request):
    query = request.GET.get("q", "").strip()
    books = Book.objects.filter(title__icontains=query) if query else Book.objects.none()
    return render(request, "catalog/search.html", {"query": query, "book_list": books})


@require_http_methods(["GET", "POST"])
def books_by_tag(request, tag):
    tag = get_object_or_404(Tag, slug=tag)
    if request.method == "POST":
        book = get_object_or_404(Book, pk=request.POST.get("book"))
        book.tags.add(tag)
        return redirect(tag)
    return render(
        request,
        "catalog/books_by_tag.html",
        {"tag": tag, "book_list": tag.book_set.all()},
    )
