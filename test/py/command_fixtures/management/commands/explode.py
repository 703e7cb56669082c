"""Raises an exception that is no CommandError."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Raises ValueError."

    def handle(self, *args, **options):
        raise ValueError("boom")
