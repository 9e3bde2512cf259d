"""Haystack's index commands as the archive runs them: rebuild_index, update_index and clear_index
write only under the index writer lock and through archive.search.queue, never with Haystack's
own writers. Haystack's options that have no meaning here are refused by name, not ignored."""

from __future__ import annotations

from django.core.management.base import CommandError

SUPPORTED = "rebuild_index [--noinput]; update_index [archive] [--remove]; clear_index [--noinput]"

# Haystack's options of each command that the archive's commands refuse: (flags, takes a value).
UNSUPPORTED = {
    "rebuild_index": [
        (("-u", "--using"), True),
        (("-k", "--workers"), True),
        (("--nocommit",), False),
        (("-b", "--batch-size"), True),
        (("-t", "--max-retries"), True),
    ],
    "update_index": [
        (("--minutes",), True),
        (("-a", "--age"), True),
        (("-s", "--start"), True),
        (("-e", "--end"), True),
        (("-b", "--batch-size"), True),
        (("-u", "--using"), True),
        (("-k", "--workers"), True),
        (("--nocommit",), False),
        (("-t", "--max-retries"), True),
    ],
    "clear_index": [
        (("-u", "--using"), True),
        (("--nocommit",), False),
    ],
}


def add_unsupported(parser, *, command: str) -> None:
    """Declare Haystack's options that `command` refuses, so that using one gets our message."""
    for flags, takes_value in UNSUPPORTED[command]:
        extra = {"help": "Haystack's option; refused (see --help)"}
        if takes_value:
            parser.add_argument(*flags, dest=_dest(flags), default=None, **extra)
        else:
            parser.add_argument(*flags, dest=_dest(flags), action="store_true", default=None, **extra)


def refuse_unsupported(options: dict, *, command: str) -> None:
    for flags, _ in UNSUPPORTED[command]:
        if options.get(_dest(flags)) not in (None, False):
            raise CommandError(
                f"{command} {flags[-1]} is not supported by the archive's index commands, which always index "
                f"every article from the database under the index writer lock. Supported: {SUPPORTED}."
            )


def _dest(flags: tuple[str, ...]) -> str:
    return "haystack_" + flags[-1].lstrip("-").replace("-", "_")
