from django.contrib import admin

from .models import Author, Book, Publisher, Tag


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    list_display = ["name", "website"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "birth_date"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "isbn", "price", "published", "publisher"]
    list_filter = ["publisher", "tags"]
    search_fields = ["title", "isbn"]
    filter_horizontal = ["authors", "tags"]
