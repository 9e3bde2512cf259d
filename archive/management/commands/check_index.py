"""python manage.py check_index [--repair]: does the search index hold what the database holds?

Checks that the index opens, then compares it with the database article by article (each
document carries its article's last-change time) and counts the index tasks still queued.
Exits 0 when the index equals the database with nothing queued (or was repaired to), 1
otherwise. --repair rebuilds a missing or unreadable index, applies the queue and reindexes
the articles that differ (or rebuilds, when many do); the database is only read.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from archive.search import recovery


class Command(BaseCommand):
    help = "Compare the search index with the database; with --repair, make it equal again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--repair", action="store_true", help="rebuild, apply the queue, reindex what differs")

    def handle(self, *args, repair: bool, **options) -> None:
        where = f"search index at {recovery.index_path()}"
        state = recovery.diagnose()
        if state != recovery.OK:
            if not repair:
                waiting = recovery.database_state()
                self.stdout.write(f"{where}: {state}; {waiting} (run with --repair to rebuild it)")
                sys.exit(1)
            count = recovery.repair(reason=state)
            state = recovery.diagnose()
            self.stdout.write(f"{where}: rebuilt from the database ({count} articles), now {state}")
            if state != recovery.OK:
                sys.exit(1)
        found = recovery.drift()
        if found.ok:
            self.stdout.write(f"{where}: ok ({found.describe()})")
            return
        if not repair:
            self.stdout.write(f"{where}: differs from the database: {found.describe()} (run with --repair)")
            sys.exit(1)
        done = recovery.repair_drift()
        found = recovery.drift()
        outcome = "now ok" if found.ok else f"still differs: {found.describe()}"
        self.stdout.write(f"{where}: {done}, {outcome}")
        if not found.ok:
            sys.exit(1)
