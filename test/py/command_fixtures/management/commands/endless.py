"""Runs until interrupted."""

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Runs until interrupted."

    def handle(self, *args, **options):
        self.stdout.write("looping")
        while True:
            time.sleep(0.1)
