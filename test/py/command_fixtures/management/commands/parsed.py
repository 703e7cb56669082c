"""A command with positionals, choices, a list default, a counter and a hidden option."""

import argparse

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Shows what command_help makes of a parser.\n\nA second paragraph."

    def add_arguments(self, parser):
        parser.add_argument("target", help="What to act on.")
        parser.add_argument("extra", nargs="*", help="More of them.")
        parser.add_argument("--mode", choices=["fast", "slow"], default="fast", help="How (default: %(default)s).")
        parser.add_argument("--tag", action="append", default=["a", "b"], help="Tags.")
        parser.add_argument("--loud", action="count", default=0, help="Louder.")
        parser.add_argument("--when", type=float, default=object(), help="A default JSON can't carry.")
        parser.add_argument("--secret", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        pass
