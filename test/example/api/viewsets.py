from rest_framework import viewsets

from catalog.models import Book

from .serializers import BookSerializer


class BookViewSet(viewsets.ModelViewSet):
    queryset = Book.objects.select_related("publisher").prefetch_related("authors")
    serializer_class = BookSerializer
