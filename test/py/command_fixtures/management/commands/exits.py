"""Ends with sys.exit(status)."""

import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Exits with the status it is given."

    def add_arguments(self, parser):
        parser.add_argument("status", help="What to pass to sys.exit().")

    def handle(self, *args, **options):
        status = options["status"]
        sys.exit(int(status) if status.isdigit() else status)
