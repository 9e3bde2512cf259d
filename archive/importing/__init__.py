"""Importing scraped pages: files (text, HTML) and records (WARC, JSON Lines), one decision ladder.

discovery  the files of a run, walked lazily
records    the records of WARC and JSON Lines files
items      one page to import, as handed to a worker
ladder     unchanged / conflict / skipped / write: the one per-page decision
prepare    a worker's part: read, hash, decide, parse, tokenise (no database)
workers    the process pool
writing    one transaction per batch, rows in bulk, each page all-or-nothing
run        the run: stream → workers → batches → report → index
outcomes   results and the report
"""

from archive.importing.discovery import count_files
from archive.importing.outcomes import (
    CONFLICT,
    FAILED,
    IMPORTED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    FileResult,
    ImportRefused,
    ImportReport,
)
from archive.importing.run import import_file, import_paths

__all__ = [
    "CONFLICT",
    "FAILED",
    "IMPORTED",
    "SKIPPED",
    "UNCHANGED",
    "UPDATED",
    "FileResult",
    "ImportRefused",
    "ImportReport",
    "count_files",
    "import_file",
    "import_paths",
]
