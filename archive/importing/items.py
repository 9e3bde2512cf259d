"""One page to import, as the importing process hands it to a worker (pure: no Django here)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from archive.importing.ladder import Stored


@dataclass
class Item:
    """A file (read by the worker) or a record already read from a WARC or JSON Lines file."""

    FILE = "file"
    WARC = "warc"
    JSONL = "jsonl"
    REFUSED = "refused"  # a record, or an archive, refused while reading it; `message` says why
    NOTHING = "nothing"  # an archive with no pages in it; `message` says so

    source_file: str
    kind: str
    path: str = ""  # FILE
    digest: str = ""  # records: their content hash; a file's is computed by the worker
    content: bytes = b""  # WARC: the payload
    url: str = ""  # WARC: WARC-Target-URI
    charset: str = ""  # WARC: from Content-Type
    captured_at: datetime.datetime | None = None  # WARC: WARC-Date
    record: dict[str, Any] = field(default_factory=dict)  # JSONL: the exported article
    line: int = 0  # JSONL
    message: str = ""  # REFUSED, NOTHING
    stored: Stored | None = None  # what the database held for source_file when the item was sent
