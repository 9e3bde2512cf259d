"""The one decision every imported page goes through, file or record (pure: no Django here).

    unchanged (same content, same rules) → conflict → (parse) → skipped → dry run / write (imported or updated)

The rungs before parsing need only what the database holds for the page's source_file (a
`Stored`) and the content hash, so workers settle unchanged and conflicting pages without
parsing them; the writer asks again, with the database as it is inside its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.importing.outcomes import CONFLICT, IMPORTED, SKIPPED, UNCHANGED, UPDATED, FileResult
from archive.text import pipeline
from archive.text.pipeline import ParsedPage


@dataclass(frozen=True)
class Stored:
    """What the database holds for a source_file: the article, its hash, the import rules it was
    read by, and when a curator edited it (local time, as shown to the user; "" when never)."""

    pk: int
    content_hash: str
    curated: str = ""
    rules_version: int = 0


def decide(
    *, source_file: str, digest: str, stored: Stored | None, force: bool, page: ParsedPage | None = None
) -> FileResult | None:
    """The result for the page, or None when it still has to be parsed (page=None).

    With a parsed page the result is final (skipped) or says what to write: IMPORTED or UPDATED,
    with the stored article's id for an update.
    """
    current = stored and stored.content_hash == digest and stored.rules_version == pipeline.RULES_VERSION
    if current and not force:
        return FileResult(source_file=source_file, outcome=UNCHANGED, article_id=stored.pk, content_hash=digest)
    if stored and stored.curated and not force:
        what = "the file changed" if stored.content_hash != digest else "the import rules changed"
        return FileResult(
            source_file=source_file,
            outcome=CONFLICT,
            article_id=stored.pk,
            content_hash=digest,
            message=(
                f"{what}, but article {stored.pk} was edited in the admin on {stored.curated} "
                "since its import; the edit is kept (use --force to overwrite it with the file)"
            ),
        )
    if page is None:
        return None
    if not page.paragraphs:
        return FileResult(
            source_file=source_file, outcome=SKIPPED, message="no text (only blank lines), skipped", content_hash=digest
        )
    return FileResult(
        source_file=source_file,
        outcome=UPDATED if stored else IMPORTED,
        article_id=stored.pk if stored else None,
        content_hash=digest,
    )
