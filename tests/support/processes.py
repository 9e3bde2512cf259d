"""The environment of a test's own archive process (a manage.py command, a web worker): the
suite's settings, database and search cluster left out, a data directory of its own put in."""

from __future__ import annotations

import os
from pathlib import Path


def own_archive_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """os.environ without ARCHIVE_*/DJANGO_* settings, DATABASE_URL and SEARCH_URL (never the
    suite's own database or cluster: SQLite and Whoosh in `data_dir`), plus `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ARCHIVE_", "DJANGO_"))}
    for key in ("DATABASE_URL", "SEARCH_URL"):
        env.pop(key, None)
    env.update(ARCHIVE_DATA_DIR=str(data_dir), **extra)
    return env
