import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalog.models import Author, Book, Publisher, Tag
from orders.models import Order

PUBLISHERS = [
    ("Harbour Press", "https://harbour-press.example.com"),
    ("Northwind Books", "https://northwind-books.example.com"),
]

AUTHORS = [
    ("Ada Lindqvist", datetime.date(1971, 3, 14)),
    ("Ben Okafor", datetime.date(1985, 11, 2)),
    ("Clara Moreau", None),
]

TAGS = [
    ("Fiction", "fiction"),
    ("Science", "science"),
    ("History", "history"),
]

# (title, isbn, price, published, publisher, authors, tags)
BOOKS = [
    ("The Quiet Harbour", "9780000000011", "12.50", datetime.date(2019, 5, 20),
     "Harbour Press", ["Ada Lindqvist"], ["fiction"]),
    ("Stars Over Lagos", "9780000000028", "18.00", datetime.date(2021, 9, 1),
     "Northwind Books", ["Ben Okafor"], ["science"]),
    ("A Short History of Maps", "9780000000035", "24.99", datetime.date(2021, 9, 15),
     "Northwind Books", ["Clara Moreau", "Ben Okafor"], ["history", "science"]),
    ("Letters from the Coast", "9780000000042", "9.95", None,
     "Harbour Press", ["Ada Lindqvist", "Clara Moreau"], []),
]


class Command(BaseCommand):
    help = "Create a small set of demo data. Safe to run more than once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--books",
            type=int,
            default=len(BOOKS),
            metavar="N",
            help="How many books to create: the first N demo books, numbered extra "
            "ones beyond them (default: %(default)s).",
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Delete every book, author, publisher, tag and order first.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        verbose = options["verbosity"] >= 2
        count = options["books"]
        if count < 0:
            raise CommandError(f"--books must be 0 or more, not {count}.")

        if options["clear"]:
            Order.objects.all().delete()
            Book.objects.all().delete()
            Author.objects.all().delete()
            Publisher.objects.all().delete()
            Tag.objects.all().delete()
            if verbose:
                self.stdout.write("Cleared the catalog and the orders.")

        publishers = {}
        for name, website in PUBLISHERS:
            publishers[name], _ = Publisher.objects.get_or_create(
                name=name, defaults={"website": website}
            )

        authors = {}
        for name, birth_date in AUTHORS:
            authors[name], _ = Author.objects.get_or_create(
                name=name, defaults={"birth_date": birth_date}
            )

        tags = {}
        for name, slug in TAGS:
            tags[slug], _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name})

        extra = [
            (f"Demo Book {number}", f"97800001{number:05d}", "10.00", None,
             "Harbour Press", ["Ada Lindqvist"], [])
            for number in range(len(BOOKS) + 1, count + 1)
        ]
        books = []
        for title, isbn, price, published, publisher, author_names, tag_slugs in (
            BOOKS + extra
        )[:count]:
            book, created = Book.objects.get_or_create(
                isbn=isbn,
                defaults={
                    "title": title,
                    "price": Decimal(price),
                    "published": published,
                    "publisher": publishers[publisher],
                },
            )
            book.authors.set([authors[name] for name in author_names])
            book.tags.set([tags[slug] for slug in tag_slugs])
            books.append(book)
            if verbose and created:
                self.stdout.write(f"Created book {book}")

        User = get_user_model()
        alice, created = User.objects.get_or_create(
            username="alice", defaults={"email": "alice@example.com"}
        )
        if created:
            alice.set_unusable_password()
            alice.save()
            if verbose:
                self.stdout.write("Created user alice")

        if books and not alice.orders.exists():
            order = Order.objects.create(customer=alice)
            order.lines.create(book=books[0], quantity=1)
            if len(books) > 2:
                order.lines.create(book=books[2], quantity=2)
            if verbose:
                self.stdout.write(f"Created {order}")

        if verbose:
            self.stdout.write(self.style.SUCCESS(f"Catalog seeded: {len(books)} books."))
