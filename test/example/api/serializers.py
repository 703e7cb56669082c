from rest_framework import serializers

from catalog.models import Book


class BookSerializer(serializers.ModelSerializer):
    publisher = serializers.StringRelatedField()
    authors = serializers.StringRelatedField(many=True)

    class Meta:
        model = Book
        fields = ["id", "title", "isbn", "price", "published", "publisher", "authors"]
