"""Rebuild the search index from the database (replaces Haystack's command of the same name).

The new index is written beside the live one and swapped in, so searches keep
working meanwhile; saves made during the rebuild wait in the queue and are
applied right after, under the same writer lock.
"""

from django.core.management.base import BaseCommand

from archive.management.haystack_commands import add_unsupported, refuse_unsupported
from archive.search import cedict, queue


class Command(BaseCommand):
    help = "Rebuild the search index from the database, and prepare the dictionary expanded searches use."

    def add_arguments(self, parser):
        parser.add_argument("--noinput", "--no-input", action="store_true", help="Accepted for Haystack compatibility.")
        add_unsupported(parser, command="rebuild_index")

    def handle(self, *args, **options):
        refuse_unsupported(options, command="rebuild_index")
        with queue.writer_lock(blocking=True):
            count = queue.rebuild_locked()
            queue.drain_locked()
        self.stdout.write(f"Indexed {count} articles.")
        # Built once into DATA_DIR/cache (a few seconds), so no visitor's first expanded search waits.
        cedict.cedict()
