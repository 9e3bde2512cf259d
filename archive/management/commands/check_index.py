"""python manage.py check_index [--repair]: is the search index present and readable?

Exits 0 when it is (or was repaired), 1 otherwise. Repairing rebuilds it from the
database under the writer lock; the database is only read.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from archive.search import recovery


class Command(BaseCommand):
    help = "Check the search index; with --repair, rebuild it from the database if it is missing or corrupt."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--repair", action="store_true", help="rebuild the index if it is not OK")

    def handle(self, *args, repair: bool, **options) -> None:
        path = recovery.index_path()
        state = recovery.diagnose()
        if state == recovery.OK:
            self.stdout.write(f"search index at {path}: ok")
            return
        if not repair:
            self.stdout.write(f"search index at {path}: {state} (run with --repair to rebuild it)")
            sys.exit(1)
        count = recovery.repair(reason=state)
        state = recovery.diagnose()
        self.stdout.write(f"search index at {path}: rebuilt from the database ({count} articles), now {state}")
        if state != recovery.OK:
            sys.exit(1)
