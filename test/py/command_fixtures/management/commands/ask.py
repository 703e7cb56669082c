"""Asks a question on stdin."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Asks before doing anything."

    def add_arguments(self, parser):
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, **options):
        if options["interactive"]:
            input("Proceed? ")
        self.stdout.write("done")
