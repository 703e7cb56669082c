"""Prints more than a small limit."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prints 1,000 characters."

    def handle(self, *args, **options):
        self.stdout.write("x" * 1000)
